package dev.jeras.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Input;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;

/**
 * Training and inference on Spark in local mode. The master is {@code local[2,2]}: two threads,
 * and a failed task is tried once more, as on a cluster.
 */
class SparkTrainerTest {

    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    static SparkSession spark;
    static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,2]").appName("jeras-spark-test").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Three Gaussian blobs in 8 dimensions. */
    static List<Sample> blobs(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(3);
            float[] x = new float[8];
            for (int d = 0; d < 8; d++) {
                x[d] = (float) (rng.nextGaussian() * 0.5 + (d % 3 == label ? 1.5 : 0));
            }
            samples.add(new Sample(x, label));
        }
        return samples;
    }

    static Sequential model(long seed) {
        Sequential model = new Sequential(new Input(8), new Dense(16, Activation.RELU), new Dropout(0.1), new Dense(3)).seed(seed)
                .output(QUIET);
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true), "accuracy");
        model.summary();
        return model;
    }

    @Test
    void oneRoundAveragesTheWorkersWeightsAndStateExactly() {
        List<Sample> data = blobs(200, 1);
        Sequential model = model(1);
        byte[] before = ModelBytes.of(model);
        SparkTrainer.RoundState start = SparkTrainer.RoundState.of(model);
        SparkTrainer trainer = new SparkTrainer(model);
        // 2 partitions of 100 (parallelize splits in order), 4 steps of 32 each: one round is the whole epoch.
        SparkFitOptions options = SparkFitOptions.epochs(1).workers(0).localSteps(4).batchSizePerWorker(32).seed(9).verbose(0);
        trainer.fit(jsc.parallelize(data, 2), options);
        assertThat(trainer.rounds()).hasSize(1);

        // By hand: each shard trained from the broadcast model, then the mean.
        List<SparkTrainer.PartResult> parts = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            float[] x = new float[100 * 8];
            int[] y = new int[100];
            for (int i = 0; i < 100; i++) {
                System.arraycopy(data.get(p * 100 + i).features(), 0, x, i * 8, 8);
                y[i] = data.get(p * 100 + i).label();
            }
            parts.add(SparkTrainer.trainShard(new Shards.Shard(p, 100, x, y), ModelBytes.load(before, "the model before"), start, 9, 0, 4,
                    32, new int[] {8}, 0));
        }
        List<Tensor> weights = model.getWeights();
        for (int i = 0; i < weights.size(); i++) {
            float[] expected = new float[weights.get(i).size()];
            for (int j = 0; j < expected.length; j++) {
                expected[j] = (float) (((double) parts.get(0).weights()[i][j] + parts.get(1).weights()[i][j]) / 2);
            }
            assertThat(weights.get(i).toArray()).as("weight %d is the mean of the two workers'", i).isEqualTo(expected);
        }
        List<Tensor> slots = model.optimizer().slotVariables();
        for (int i = 0; i < slots.size(); i++) {
            float[] expected = new float[slots.get(i).size()];
            for (int j = 0; j < expected.length; j++) {
                expected[j] = (float) (((double) parts.get(0).slots()[i][j] + parts.get(1).slots()[i][j]) / 2);
            }
            assertThat(slots.get(i).toArray()).as("Adam variable %d is the mean", i).isEqualTo(expected);
        }
        assertThat(model.optimizer().iterations()).isEqualTo(4);
        assertThat(parts.get(0).weights()[0]).as("the workers did train apart").isNotEqualTo(parts.get(1).weights()[0]);
    }

    private static List<Tensor> train(List<Sample> data, long seed) {
        Sequential model = model(2);
        new SparkTrainer(model).fit(jsc.parallelize(data, 3),
                SparkFitOptions.epochs(2).workers(2).localSteps(3).batchSizePerWorker(16).seed(seed).verbose(0));
        return model.getWeights();
    }

    @Test
    void sameSeedSameBitsEvenWhenATaskFailsAndIsRetried() {
        List<Sample> data = blobs(300, 2);
        List<Tensor> first = train(data, 5);
        List<Tensor> second = train(data, 5);
        List<Tensor> other = train(data, 6);
        int[] failures = {0};
        SparkTrainer.faultForTests = (round, partition) -> {
            if (round == 1 && partition == 1 && TaskContext.get().attemptNumber() == 0) {
                failures[0]++;
                throw new IllegalStateException("injected failure of round 1, partition 1, first attempt");
            }
        };
        List<Tensor> retried;
        try {
            retried = train(data, 5);
        } finally {
            SparkTrainer.faultForTests = null;
        }
        assertThat(failures[0]).as("the first attempt failed").isEqualTo(1);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).toArray()).as("weight %d, same seed", i).isEqualTo(first.get(i).toArray());
            assertThat(retried.get(i).toArray()).as("weight %d, with a retried task", i).isEqualTo(first.get(i).toArray());
        }
        assertThat(other.get(0).toArray()).as("another seed").isNotEqualTo(first.get(0).toArray());
    }

    static Dataset<Row> frame(List<Sample> samples) {
        List<Row> rows = new ArrayList<>();
        for (Sample s : samples) {
            List<Float> f = new ArrayList<>();
            for (float v : s.features()) {
                f.add(v);
            }
            rows.add(RowFactory.create(f, s.label()));
        }
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.IntegerType, false);
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    @Test
    void trainsOnADataFrameAndTheTransformerEqualsPredict() {
        List<Sample> data = blobs(600, 3);
        Sequential model = model(3);
        SparkTrainer trainer = new SparkTrainer(model);
        var history = trainer.fit(frame(data), SparkFitOptions.epochs(3).localSteps(5).batchSizePerWorker(16).verbose(0));
        assertThat(history.accuracy().getLast()).isGreaterThan(0.9);

        Dataset<Row> scored = JerasModel.of(model).transform(frame(data.subList(0, 50)).coalesce(1)).orderBy("label");
        List<Row> rows = scored.collectAsList();
        assertThat(scored.columns()).containsExactly("features", "label", "rawPrediction", "probability", "prediction");
        float[] x = new float[rows.size() * 8];
        for (int r = 0; r < rows.size(); r++) {
            List<Object> f = rows.get(r).getList(0);
            for (int j = 0; j < 8; j++) {
                x[r * 8 + j] = (Float) f.get(j);
            }
        }
        Tensor expected = model.predict(Tensor.of(x, rows.size(), 8));
        int[] classes = expected.argmax(-1).toArray();
        for (int r = 0; r < rows.size(); r++) {
            Vector raw = rows.get(r).getAs("rawPrediction");
            for (int j = 0; j < 3; j++) {
                assertThat((float) raw.apply(j)).as("row %d output %d", r, j).isEqualTo(expected.array()[r * 3 + j]);
            }
            Vector p = rows.get(r).getAs("probability");
            assertThat(p.apply(0) + p.apply(1) + p.apply(2)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(rows.get(r).<Double>getAs("prediction")).isEqualTo((double) classes[r]);
        }
    }

    @Test
    void badInputIsNamedOnTheDriver(@TempDir Path dir) throws Exception {
        Sequential model = model(4);
        SparkTrainer trainer = new SparkTrainer(model);
        SparkFitOptions options = SparkFitOptions.epochs(1).localSteps(1).verbose(0);

        List<Sample> shortRow = new ArrayList<>(blobs(20, 4));
        shortRow.set(13, new Sample(new float[7], 1));
        assertThatThrownBy(() -> trainer.fit(frame(shortRow), options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the features column 'features' has 7 values in a row of partition")
                .hasMessageContaining("the model takes 8");

        List<Sample> badLabel = new ArrayList<>(blobs(20, 5));
        badLabel.set(4, new Sample(badLabel.get(4).features(), 7));
        assertThatThrownBy(() -> trainer.fit(frame(badLabel), options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the label column 'label' holds 7 in partition").hasMessageContaining("[0, 3)");

        Dataset<Row> strings = frame(blobs(10, 6)).withColumn("label", org.apache.spark.sql.functions.col("label").cast("string"));
        assertThatThrownBy(() -> trainer.fit(strings, options)).hasMessageContaining("the label column 'label' is string");
        assertThatThrownBy(() -> trainer.fit(frame(blobs(10, 6)), options.columns("pixels", "label")))
                .hasMessageContaining("there is no features column 'pixels'");
        Dataset<Row> doubles = frame(blobs(10, 6)).withColumn("features", org.apache.spark.sql.functions.col("label"));
        assertThatThrownBy(() -> trainer.fit(doubles, options)).hasMessageContaining("the features column 'features' is int");

        // Three samples over four partitions: one is empty.
        assertThatThrownBy(() -> trainer.fit(jsc.parallelize(blobs(3, 7), 4), options.workers(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no samples");

        Path broken = dir.resolve("broken.keras");
        Files.write(broken, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> JerasModel.load(broken)).hasMessageContaining("the model file " + broken + " does not load");
    }

    @Test
    void validationCallbacksAndProgressRunOnTheDriver() {
        List<Sample> data = blobs(600, 10);
        List<Sample> val = blobs(200, 11);
        float[] vx = new float[200 * 8];
        byte[] vy = new byte[200];
        for (int i = 0; i < 200; i++) {
            System.arraycopy(val.get(i).features(), 0, vx, i * 8, 8);
            vy[i] = (byte) val.get(i).label();
        }
        Tensor xVal = Tensor.of(vx, 200, 8);
        dev.jeras.UInt8Tensor yVal = dev.jeras.UInt8Tensor.wrap(vy, 200);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Sequential model = model(10).output(new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        List<Integer> rounds = new ArrayList<>();
        dev.jeras.callbacks.Callback counter = new dev.jeras.callbacks.Callback() {
            @Override
            public void onTrainBatchEnd(int batch, java.util.Map<String, Double> logs) {
                rounds.add(batch);
            }
        };
        var history = new SparkTrainer(model).fit(jsc.parallelize(data, 2), SparkFitOptions.epochs(3).localSteps(3)
                .batchSizePerWorker(16).validationData(xVal, yVal).callbacks(counter));
        assertThat(history.history().keySet()).containsExactly("accuracy", "loss", "val_accuracy", "val_loss");
        assertThat(history.get("val_loss").getLast()).as("validation on the driver's averaged model")
                .isCloseTo(model.evaluate(xVal, yVal, 0).loss(), org.assertj.core.data.Offset.offset(1e-6));
        // ceil(600 / (2 workers x 3 steps x 16)) = 7 rounds an epoch.
        assertThat(rounds).hasSize(21).startsWith(0, 1, 2, 3, 4, 5, 6, 0);
        String printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(printed).contains("Epoch 1/3\n7/7 ━━━━━━━━━━━━━━━━━━━━ ").contains(" - val_accuracy: ").contains("Epoch 3/3");
    }

    @Test
    void anEstimatorInAPipeline() {
        JerasEstimator estimator = new JerasEstimator(model(8), SparkFitOptions.epochs(2).localSteps(5).batchSizePerWorker(16).verbose(0));
        org.apache.spark.ml.Pipeline pipeline = new org.apache.spark.ml.Pipeline()
                .setStages(new org.apache.spark.ml.PipelineStage[] {estimator});
        Dataset<Row> data = frame(blobs(400, 8));
        org.apache.spark.ml.PipelineModel fitted = pipeline.fit(data);
        Dataset<Row> scored = fitted.transform(data);
        long correct = scored.filter("prediction = label").count();
        assertThat((double) correct / 400).isGreaterThan(0.9);
    }
}
