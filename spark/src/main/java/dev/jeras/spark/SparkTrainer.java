package dev.jeras.spark;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.jeras.IntTensor;
import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.callbacks.Callback;
import dev.jeras.callbacks.History;
import dev.jeras.models.EvalResult;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Progbar;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Optimizer;

/**
 * Data-parallel training of a jeras model on Spark by parameter averaging (local SGD): in each
 * round the driver broadcasts the model (config, weights and optimizer state, as {@code .keras}
 * bytes), every partition loads it and trains {@code localSteps} steps of its own shuffled shard with
 * jeras's normal {@code fit}, and the driver averages the workers' weights and optimizer state
 * (Adam's moments included) into the model for the next round.
 *
 * <p>Against Adam on one machine: each round the workers take {@code localSteps} steps apart, each on
 * {@code batchSizePerWorker} samples, so the model sees {@code workers} times the samples per step
 * count, and the average of the workers' updates stands in for one update on the union of their
 * batches. With {@code localSteps} 1 that is synchronous data parallelism with a batch of
 * {@code workers x batchSizePerWorker}, but for the averaging of the moments: Adam's second moment is
 * averaged after the square, not squared after the average. More local steps move fewer bytes and
 * let the workers drift apart (DL4J's parameter averaging has the same trade-off).
 *
 * <p>Deterministic: each partition's shuffling and dropout derive from (seed, round, partition), a
 * shard holds the same samples in the same order in every attempt, and the driver adds the workers'
 * results in partition order. So a retried task recomputes exactly its update, and a run with the same
 * seed and partitioning gives the same bits. {@code treeAggregate} gathers the results rather than
 * summing on the way, because Spark merges partial results in the order tasks finish and float
 * addition is not associative (docs/scale-out.md counts the bytes this moves).
 */
public final class SparkTrainer {

    /**
     * Where the time of one round went, in seconds: writing and broadcasting the model, the slowest
     * worker's compute (of which {@code loadSeconds} reading the model from its bytes), everything
     * else of the job (scheduling, fetching the broadcast, returning and averaging the results), the
     * whole; and the bytes it moved.
     */
    public record RoundTimes(int round, double broadcastSeconds, double computeSeconds, double loadSeconds, double aggregateSeconds,
                             double totalSeconds, long broadcastBytes, long resultBytesPerWorker, int workers) {
    }

    private final Sequential model;
    private final List<RoundTimes> rounds = new ArrayList<>();
    /** Names this training's config on the executors (broadcast ids restart with each SparkContext). */
    private String configKey;

    /** Trains {@code model}, which must be compiled and have a declared input shape (or be built). */
    public SparkTrainer(Sequential model) {
        if (model.loss() == null) {
            throw new IllegalArgumentException("compile the model before training it on Spark");
        }
        if (!model.isBuilt()) {
            if (model.declaredInputShape() == null) {
                throw new IllegalArgumentException("model " + model.name() + " declares no input shape; start it with an Input or a "
                        + "Flatten(28, 28) so that the workers know the features per sample");
            }
            int[] one = new int[model.declaredInputShape().rank() + 1];
            one[0] = 1;
            System.arraycopy(model.declaredInputShape().dims(), 0, one, 1, model.declaredInputShape().rank());
            model.apply(Tensor.zeros(one)); // builds it, from its seed
        }
        this.model = model;
    }

    /** The model being trained (on the driver, with the averaged weights). */
    public Sequential model() {
        return model;
    }

    /** The timings of every round so far. */
    public List<RoundTimes> rounds() {
        return Collections.unmodifiableList(rounds);
    }

    /** Trains on a DataFrame: a features column ({@code array<float>}, {@code array<double>} or ML vector) and an integer label column. */
    public History fit(Dataset<Row> data, SparkFitOptions options) {
        JavaRDD<Sample> samples = Shards.samples(data, options.featuresCol(), options.labelCol());
        return train(samples, options, "the features column '" + options.featuresCol() + "'", "the label column '" + options.labelCol() + "'");
    }

    /** Trains on samples. */
    public History fit(JavaRDD<Sample> data, SparkFitOptions options) {
        return train(data, options, "Sample.features", "Sample.label");
    }

    private History train(JavaRDD<Sample> samples, SparkFitOptions options, String featuresWhat, String labelWhat) {
        try {
            return run(samples, options, featuresWhat, labelWhat);
        } catch (Exception e) { // Spark's SparkException is checked, and thrown through its Java API unchecked
            throw clear(e);
        }
    }

    /** A worker's bad input arrives wrapped in Spark's job failure; give the driver the worker's own message. */
    static RuntimeException clear(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException a && t != e) {
                return new IllegalArgumentException(a.getMessage(), e);
            }
        }
        String text = String.valueOf(e.getMessage());
        int at = text.indexOf("java.lang.IllegalArgumentException: ");
        if (at >= 0) {
            String message = text.substring(at + "java.lang.IllegalArgumentException: ".length());
            int end = message.indexOf('\n');
            return new IllegalArgumentException(end >= 0 ? message.substring(0, end) : message, e);
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException("training on Spark failed: " + text, e);
    }

    private History run(JavaRDD<Sample> samples, SparkFitOptions options, String featuresWhat, String labelWhat) {
        Shape input = model.inputShape();
        Shape output = model.outputShape();
        if (output.rank() != 1) {
            throw new IllegalArgumentException("the model's output " + output.toBatchString() + " is not (batch, classes); Spark "
                    + "training takes class labels");
        }
        int features = input.size();
        int classes = output.dim(0);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(samples.context());
        JavaRDD<Shards.Shard> shards = Shards.of(samples, options.workers(), features, classes, featuresWhat, labelWhat);
        try {
            List<Integer> sizes = shards.map(Shards.Shard::n).collect();
            long total = 0;
            for (int n : sizes) {
                total += n;
            }
            int workers = sizes.size();
            long perRound = (long) workers * options.localSteps() * options.batchSizePerWorker();
            int roundsPerEpoch = (int) Math.max(1, (total + perRound - 1) / perRound);
            return epochs(jsc, shards, workers, roundsPerEpoch, input, options);
        } finally {
            shards.unpersist(false);
        }
    }

    private History epochs(JavaSparkContext jsc, JavaRDD<Shards.Shard> shards, int workers, int roundsPerEpoch, Shape input,
                           SparkFitOptions options) {
        Optimizer optimizer = model.optimizer();
        optimizer.build(model.trainableWeights());
        PrintStream out = model.output();
        History history = new History();
        List<Callback> callbacks = new ArrayList<>(options.callbacks());
        callbacks.add(history);
        for (Callback c : callbacks) {
            c.setModel(model);
        }
        model.stopTraining(false);
        for (Callback c : callbacks) {
            c.onTrainBegin(Map.of());
        }
        Map<String, Double> epochLogs = Map.of();
        // The config (and the weights it starts from) travels once; each round sends only the state.
        Broadcast<byte[]> config = jsc.broadcast(ModelBytes.of(model));
        configKey = java.util.UUID.randomUUID().toString();
        try {
            epochLogs = epochLoop(jsc, shards, config, workers, roundsPerEpoch, input, options, callbacks, out);
        } finally {
            config.destroy();
        }
        for (Callback c : callbacks) {
            c.onTrainEnd(epochLogs);
        }
        return history;
    }

    private Map<String, Double> epochLoop(JavaSparkContext jsc, JavaRDD<Shards.Shard> shards, Broadcast<byte[]> config, int workers,
                                          int roundsPerEpoch, Shape input, SparkFitOptions options, List<Callback> callbacks,
                                          PrintStream out) {
        Map<String, Double> epochLogs = Map.of();
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            if (options.verbose() > 0 && options.epochs() > 1) {
                out.println("Epoch " + (epoch + 1) + "/" + options.epochs());
            }
            for (Callback c : callbacks) {
                c.onEpochBegin(epoch, Map.of());
            }
            Progbar bar = null;
            Map<String, Double> sums = new TreeMap<>();
            long seen = 0;
            String[] names = null;
            for (int r = 0; r < roundsPerEpoch; r++) {
                Gathered gathered = round(jsc, shards, config, workers, epoch * roundsPerEpoch + r, input, options);
                for (PartResult p : gathered.parts.values()) {
                    for (Map.Entry<String, Double> e : p.logs().entrySet()) {
                        sums.merge(e.getKey(), e.getValue() * p.samples(), Double::sum);
                    }
                    seen += p.samples();
                }
                names = sums.keySet().toArray(String[]::new);
                double[] values = new double[names.length];
                Map<String, Double> logs = new LinkedHashMap<>();
                for (int i = 0; i < names.length; i++) {
                    values[i] = sums.get(names[i]) / seen;
                    logs.put(names[i], values[i]);
                }
                if (bar == null && options.verbose() > 0) {
                    bar = new Progbar(roundsPerEpoch, options.verbose(), out, names).holdFinalLine();
                }
                if (bar != null) {
                    bar.update(r + 1, values);
                }
                epochLogs = logs;
                for (Callback c : options.callbacks()) {
                    c.onTrainBatchEnd(r, Collections.unmodifiableMap(logs));
                }
                if (model.stopTraining()) {
                    break;
                }
            }
            Map<String, Double> logs = new LinkedHashMap<>(epochLogs);
            if (options.validationX() != null) {
                EvalResult val = model.evaluate(options.validationX(), options.validationY(), 32, 0);
                val.logs().forEach((k, v) -> logs.put("val_" + k, v));
            }
            if (bar != null) {
                bar.finish(logs.keySet().toArray(String[]::new), logs.values().stream().mapToDouble(Double::doubleValue).toArray());
            }
            epochLogs = Collections.unmodifiableMap(logs);
            for (Callback c : callbacks) {
                c.onEpochEnd(epoch, epochLogs);
            }
            if (model.stopTraining()) {
                break;
            }
        }
        return epochLogs;
    }

    /** One round: broadcast the state, local training on every partition, gather, average into the driver's model. */
    private Gathered round(JavaSparkContext jsc, JavaRDD<Shards.Shard> shards, Broadcast<byte[]> config, int workers, int round,
                           Shape input, SparkFitOptions options) {
        long start = System.nanoTime();
        RoundState state = RoundState.of(model);
        Broadcast<RoundState> broadcast = jsc.broadcast(state);
        long broadcastDone = System.nanoTime();
        long seed = options.seed();
        int steps = options.localSteps();
        int batch = options.batchSizePerWorker();
        int[] sampleDims = input.dims();
        String configId = configKey;
        Gathered gathered;
        try {
            gathered = shards.mapPartitionsWithIndex((partition, it) -> List.of(onExecutor(it.next(), config, configId,
                            broadcast.value(), seed, round, steps, batch, sampleDims)).iterator(), true)
                    .treeAggregate(new Gathered(), Gathered::add, Gathered::merge, 2);
        } finally {
            broadcast.destroy();
        }
        long jobDone = System.nanoTime();
        average(gathered);
        long end = System.nanoTime();
        double compute = 0;
        double load = 0;
        long resultBytes = 0;
        for (PartResult p : gathered.parts.values()) {
            if ((p.loadNanos() + p.trainNanos()) / 1e9 > compute) {
                compute = (p.loadNanos() + p.trainNanos()) / 1e9;
                load = p.loadNanos() / 1e9;
            }
            resultBytes = p.bytes();
        }
        rounds.add(new RoundTimes(round, (broadcastDone - start) / 1e9, compute, load,
                (jobDone - broadcastDone) / 1e9 - compute + (end - jobDone) / 1e9, (end - start) / 1e9, state.bytes(), resultBytes,
                workers));
        return gathered;
    }

    /** What a round starts from: every weight and optimizer variable, the step count and the learning rate. */
    record RoundState(float[][] weights, float[][] slots, long iterations, float learningRate) implements Serializable {

        static RoundState of(Sequential model) {
            model.optimizer().build(model.trainableWeights());
            List<Tensor> w = model.getWeights();
            List<Tensor> s = model.optimizer().slotVariables();
            float[][] weights = new float[w.size()][];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = w.get(i).toArray();
            }
            float[][] slots = new float[s.size()][];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = s.get(i).toArray();
            }
            return new RoundState(weights, slots, model.optimizer().iterations(), model.optimizer().learningRate());
        }

        long bytes() {
            long n = 12;
            for (float[] a : weights) {
                n += 4L * a.length;
            }
            for (float[] a : slots) {
                n += 4L * a.length;
            }
            return n;
        }

        /** Puts this state into {@code model} (of the same config). */
        void applyTo(Sequential model) {
            List<Tensor> current = model.getWeights();
            List<Tensor> values = new ArrayList<>();
            for (int i = 0; i < weights.length; i++) {
                values.add(Tensor.of(weights[i], current.get(i).shape().dims()));
            }
            model.setWeights(values);
            model.optimizer().build(model.trainableWeights());
            model.optimizer().setState(iterations, learningRate, List.of(slots));
        }
    }

    /**
     * Models an executor has loaded, by a key drawn for each training, so that a round costs no file
     * parsing: a task takes one (or loads one), sets the round's state into it, trains, and gives it
     * back. Kept for the last few trainings only.
     */
    private static final Map<String, java.util.concurrent.ConcurrentLinkedQueue<Sequential>> LOADED =
            Collections.synchronizedMap(new java.util.LinkedHashMap<>(8, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, java.util.concurrent.ConcurrentLinkedQueue<Sequential>> eldest) {
                    return size() > 4;
                }
            });

    private static PartResult onExecutor(Shards.Shard shard, Broadcast<byte[]> config, String configId, RoundState state, long seed,
                                         int round, int steps, int batch, int[] sampleDims) {
        java.util.function.BiConsumer<Integer, Integer> fault = faultForTests;
        if (fault != null) {
            fault.accept(round, shard.partition());
        }
        long start = System.nanoTime();
        java.util.concurrent.ConcurrentLinkedQueue<Sequential> pool =
                LOADED.computeIfAbsent(configId, k -> new java.util.concurrent.ConcurrentLinkedQueue<>());
        Sequential local = pool.poll();
        if (local == null) {
            local = ModelBytes.load(config.value(), "the model broadcast for training");
        }
        try {
            return trainShard(shard, local, state, seed, round, steps, batch, sampleDims, System.nanoTime() - start);
        } finally {
            pool.offer(local);
        }
    }

    /** The mean of the workers' weights and optimizer state, added in partition order, into the driver's model. */
    private void average(Gathered gathered) {
        List<PartResult> parts = new ArrayList<>(gathered.parts.values());
        int k = parts.size();
        List<Tensor> weights = model.getWeights();
        List<Tensor> mean = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            mean.add(Tensor.of(mean(parts, i, true, k), weights.get(i).shape().dims()));
        }
        List<float[]> slots = new ArrayList<>();
        int slotCount = parts.getFirst().slots().length;
        for (int i = 0; i < slotCount; i++) {
            slots.add(mean(parts, i, false, k));
        }
        long iterations = parts.getFirst().iterations();
        for (PartResult p : parts) {
            if (p.iterations() != iterations) {
                throw new IllegalStateException("workers disagree on the optimizer's step count: " + iterations + " and " + p.iterations());
            }
        }
        model.setWeights(mean);
        model.optimizer().setState(iterations, model.optimizer().learningRate(), slots);
    }

    private static float[] mean(List<PartResult> parts, int index, boolean weights, int k) {
        int n = (weights ? parts.getFirst().weights() : parts.getFirst().slots())[index].length;
        double[] sum = new double[n];
        for (PartResult p : parts) {
            float[] v = (weights ? p.weights() : p.slots())[index];
            for (int j = 0; j < n; j++) {
                sum[j] += v[j];
            }
        }
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) (sum[j] / k);
        }
        return out;
    }

    /** A seed from (seed, round, partition), mixed so that neighbouring rounds and partitions are unrelated. */
    static long mix(long seed, long round, long partition) {
        long h = seed * 0x9E3779B97F4A7C15L + round * 0xC2B2AE3D27D4EB4FL + partition * 0x165667B19E3779F9L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    /** Tests only: called on the executor before each shard's round with (round, partition), to inject a task failure. */
    static volatile java.util.function.BiConsumer<Integer, Integer> faultForTests;

    /** One round of local training on one shard, from {@code state}, in {@code local} (a model of the same config). */
    static PartResult trainShard(Shards.Shard shard, Sequential local, RoundState state, long seed, int round, int steps, int batch,
                                 int[] sampleDims, long loadNanos) {
        long start = System.nanoTime();
        state.applyTo(local);
        long streams = mix(seed, round, shard.partition());
        local.reseed(streams);
        long loaded = System.nanoTime();
        // This round's window: steps x batch samples of the shard in a fresh order (cycling when the shard is smaller).
        int count = steps * batch;
        int features = shard.x().length / shard.n();
        float[] x = new float[Math.multiplyExact(count, features)];
        int[] y = new int[count];
        int[] order = dev.jeras.datasets.Datasets.permutation(shard.n(), streams);
        for (int i = 0; i < count; i++) {
            if (i > 0 && i % shard.n() == 0) {
                order = dev.jeras.datasets.Datasets.permutation(shard.n(), mix(streams, i, 0));
            }
            int s = order[i % shard.n()];
            System.arraycopy(shard.x(), s * features, x, i * features, features);
            y[i] = shard.y()[s];
        }
        int[] dims = new int[sampleDims.length + 1];
        dims[0] = count;
        System.arraycopy(sampleDims, 0, dims, 1, sampleDims.length);
        History h = local.fit(Tensor.of(x, dims), IntTensor.of(y, count), FitOptions.epochs(1).batchSize(batch).shuffle(false).verbose(0));
        long trained = System.nanoTime();
        Map<String, Double> logs = new LinkedHashMap<>();
        h.history().forEach((k, v) -> logs.put(k, v.getLast()));
        RoundState after = RoundState.of(local);
        return new PartResult(shard.partition(), after.weights(), after.slots(), after.iterations(), logs, count,
                loadNanos + (loaded - start), trained - loaded, after.bytes());
    }

    /** What one partition sends back after a round. */
    record PartResult(int partition, float[][] weights, float[][] slots, long iterations, Map<String, Double> logs, long samples,
                      long loadNanos, long trainNanos, long bytes) implements Serializable {
    }

    /** The partitions' results by partition index: merging keeps every result, so the driver can add them in a fixed order. */
    static final class Gathered implements Serializable {

        final TreeMap<Integer, PartResult> parts = new TreeMap<>();

        Gathered add(PartResult p) {
            parts.put(p.partition(), p);
            return this;
        }

        Gathered merge(Gathered other) {
            parts.putAll(other.parts);
            return this;
        }
    }
}
