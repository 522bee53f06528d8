package dev.jeras.models;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import dev.jeras.IntTensor;
import dev.jeras.Shape;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.callbacks.Callback;
import dev.jeras.callbacks.History;
import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Input;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Parameter;
import dev.jeras.layers.Softmax;
import dev.jeras.losses.Loss;
import dev.jeras.metrics.Metric;
import dev.jeras.optimizers.Optimizer;
import dev.jeras.saving.KerasFile;
import dev.jeras.saving.ModelFileException;
import dev.jeras.saving.WeightFiles;

/**
 * A linear stack of layers, as Keras's {@code Sequential}: {@code compile}, {@code fit},
 * {@code evaluate}, {@code predict}/{@code apply} and {@code summary}. A Sequential is itself a
 * layer, so a trained model can be wrapped, as in {@code new Sequential(model, new Softmax())}.
 *
 * <p>Weights are created when the input shape is first known, from the model's seed (random unless
 * {@link #seed(long)} fixes it, like an unseeded Keras model). Console output goes to
 * {@link System#out} unless {@link #output(PrintStream)} says otherwise.
 */
public final class Sequential extends Layer {

    private final List<Layer> layers = new ArrayList<>();
    private long seed = ThreadLocalRandom.current().nextLong();
    private SplittableRandom rng;
    private List<Parameter> trainable = List.of();
    private List<Parameter> nonTrainable = List.of();
    /** The count of freezes and unfreezes ({@code Layer.trainableChanges}) when the weight lists were made. */
    private volatile long listedAt = -1;
    private List<Parameter> all = List.of();
    /** This model and every layer in it, nested models' layers included: what a call holds (see {@link Layer}). */
    private List<Layer> family = List.of(this);
    /** Index of the first layer with parameters; layers before it need no backward pass. */
    private int firstTrainable;
    private Optimizer optimizer;
    private Loss loss;
    private List<Metric> metrics = List.of();
    private PrintStream out = System.out;
    private volatile boolean stopTraining;
    private TrainingLoop loop;

    /**
     * A model of the given layers, applied in order; an {@link Input} first declares the shape of
     * the samples. More layers can be {@link #add}ed until the model is built.
     */
    public Sequential(Layer... layers) {
        super("sequential", null);
        for (Layer layer : layers) {
            add(layer);
        }
    }

    /** A model of the given layers for samples of {@code inputShape} (Keras's {@code InputLayer}; null: learnt from the first batch). */
    public Sequential(Shape inputShape, Layer... layers) {
        this(layers);
        if (inputShape != null) {
            declareInputShape(inputShape);
        }
    }

    /**
     * Appends a layer, as Keras's {@code model.add}; an {@link Input} may only come first and
     * declares the input shape. Only before the model is built.
     */
    public Sequential add(Layer layer) {
        if (layer == null) {
            throw new IllegalArgumentException("Sequential received a null layer");
        }
        if (isBuilt()) {
            throw new IllegalStateException("model " + name() + " is already built; add layers before its first use");
        }
        if (layer instanceof Input input) {
            if (!layers.isEmpty() || declaredInputShape() != null) {
                throw new IllegalArgumentException("an Input may only come first in a Sequential model");
            }
            declareInputShape(input.shape());
            return this;
        }
        for (Layer l : layers) {
            if (l == layer) {
                throw new IllegalArgumentException("layer " + layer.name() + " appears twice in the model; create a new layer for each position");
            }
            if (l.name().equals(layer.name())) {
                throw new IllegalArgumentException("two layers are named '" + layer.name() + "'; layer names in a model must be unique");
            }
        }
        if (layers.isEmpty() && declaredInputShape() == null && layer.declaredInputShape() != null) {
            declareInputShape(layer.declaredInputShape());
        }
        layers.add(layer);
        List<Layer> members = new ArrayList<>(family);
        members.addAll(layer.family());
        family = List.copyOf(members);
        return this;
    }

    @Override
    public List<Layer> family() {
        return family;
    }

    @Override
    public Sequential named(String name) {
        super.named(name);
        return this;
    }

    /** Freezes or unfreezes this model and every layer inside it (see {@link Layer#setTrainable}). */
    @Override
    public Sequential setTrainable(boolean trainable) {
        super.setTrainable(trainable);
        return this;
    }

    /** Fixes the seed for weight initialisation, dropout masks and shuffling; call before the model is built. */
    public Sequential seed(long seed) {
        if (isBuilt()) {
            throw new IllegalStateException("model " + name() + " is already built: set its seed before its first use");
        }
        this.seed = seed;
        return this;
    }

    /**
     * Restarts a built model's random streams (dropout masks, the shuffling of {@code fit} without a
     * seed) from {@code seed}, as if it had been built with that seed; the weights stay as they are.
     * For a model just loaded from a file, whose streams start from a random seed.
     */
    public Sequential reseed(long seed) {
        reseed(new SplittableRandom(seed));
        return this;
    }

    @Override
    public void reseed(RandomGenerator generator) {
        requireBuilt();
        SplittableRandom root = generator instanceof SplittableRandom s ? s : new SplittableRandom(generator.nextLong());
        this.rng = root.split();
        for (Layer layer : layers) {
            layer.reseed(root.split());
        }
    }

    /** Computes with {@code kernels} instead of {@link Kernels#active()}; call before the model is built. */
    public Sequential useKernels(Kernels kernels) {
        setKernels(kernels);
        return this;
    }

    /** Prints summaries, progress and callbacks' messages to {@code out} instead of {@link System#out}. */
    public Sequential output(PrintStream out) {
        this.out = out;
        return this;
    }

    /** Where the model prints. */
    public PrintStream output() {
        return out;
    }

    /** The layers, in order. */
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** Chooses the optimizer and the loss for {@code fit} and {@code evaluate}, with no metrics. */
    public void compile(Optimizer optimizer, Loss loss) {
        compile(optimizer, loss, new Metric[0]);
    }

    /**
     * Chooses the optimizer, the loss and the metrics by Keras's names, as
     * {@code compile(optimizer, loss, metrics=["accuracy"])}; see {@link Metric#get}.
     */
    public void compile(Optimizer optimizer, Loss loss, String... metrics) {
        Metric[] resolved = new Metric[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            resolved[i] = Metric.get(metrics[i]);
        }
        compile(optimizer, loss, resolved);
    }

    /** Chooses the optimizer, the loss and the metrics for {@code fit} and {@code evaluate}. */
    public void compile(Optimizer optimizer, Loss loss, Metric... metrics) {
        if (optimizer == null || loss == null) {
            throw new IllegalArgumentException("compile needs an optimizer and a loss, received optimizer=" + optimizer + ", loss=" + loss);
        }
        Set<String> names = new HashSet<>(Set.of("loss"));
        for (Metric m : metrics) {
            if (m == null || !names.add(m.name())) {
                throw new IllegalArgumentException("metric names must be unique and not 'loss', received " + Arrays.toString(metrics));
            }
        }
        this.optimizer = optimizer;
        this.loss = loss;
        this.metrics = List.of(metrics);
        this.loop = null;
    }

    // ---------------------------------------------------------------------------------------------
    // Training

    /** Trains for {@code epochs} epochs with Keras's defaults (batch 32, shuffled, progress bar). */
    public History fit(Tensor x, UInt8Tensor y, int epochs) {
        return fit(x, y, FitOptions.epochs(epochs));
    }

    /** Trains on {@code x} (samples first) against class labels {@code y}, printing Keras's progress. */
    public History fit(Tensor x, UInt8Tensor y, FitOptions options) {
        return fit(x, Targets.of(y), options);
    }

    /** Trains on {@code x} against class labels {@code y} (any number of classes). */
    public History fit(Tensor x, IntTensor y, FitOptions options) {
        return fit(x, Targets.of(y), options);
    }

    /** Trains on {@code x} against float targets {@code y}: one-hot rows, 0/1 values, or numbers to regress. */
    public History fit(Tensor x, Tensor y, FitOptions options) {
        return fit(x, Targets.of(y), options);
    }

    /**
     * Trains on {@code x} against {@code y} as Keras's {@code fit}: epochs {@code initialEpoch} to
     * {@code epochs - 1} in shuffled batches, with validation and callbacks as the options say;
     * returns the {@link History} of each epoch's logs.
     */
    public History fit(Tensor x, Targets y, FitOptions options) {
        prepare(x, y, "fit");
        float[] weights = options.sampleWeightArray();
        if (weights != null && weights.length != x.rows()) {
            throw new IllegalArgumentException("expected one sample weight per sample: " + x.rows() + " samples, received "
                    + weights.length + " weights");
        }
        Tensor trainX = x;
        Targets trainY = y;
        Tensor valX = options.validationX();
        Targets valY = options.validationY();
        float[] valWeights = null;
        if (options.validationSplit() > 0) {
            // Keras takes the last fraction, before shuffling: split_at = floor(n * (1 - split)).
            int splitAt = (int) Math.floor(x.rows() * (1 - options.validationSplit()));
            if (splitAt == 0 || splitAt == x.rows()) {
                throw new IllegalArgumentException("validationSplit " + options.validationSplit() + " of " + x.rows()
                        + " samples leaves " + (splitAt == 0 ? "no training" : "no validation") + " samples; use more data or another split");
            }
            trainX = x.rows(0, splitAt);
            trainY = y.rows(0, splitAt);
            valX = x.rows(splitAt, x.rows());
            valY = y.rows(splitAt, x.rows());
            if (weights != null) {
                valWeights = Arrays.copyOfRange(weights, splitAt, x.rows());
                weights = Arrays.copyOf(weights, splitAt);
            }
        }
        if (valX != null) {
            prepare(valX, valY, "validation");
        }
        if (options.classWeight() != null) {
            weights = classWeights(trainY, options.classWeight());
        }
        beginTraining("fit");
        try {
            return train(trainX, trainY, weights, valX, valY, valWeights, options);
        } finally {
            endTraining();
        }
    }

    private History train(Tensor x, Targets y, float[] weights, Tensor valX, Targets valY, float[] valWeights, FitOptions options) {
        int n = x.rows();
        int[] order = identity(n);
        RandomGenerator shuffler = options.seed() != null ? new SplittableRandom(options.seed()) : rng.split();
        int batchSize = Math.min(options.batchSize(), n);
        int steps = (n + batchSize - 1) / batchSize;
        TrainingLoop training = loop();
        TrainingLoop validation = valX != null ? new TrainingLoop(this) : null;
        History history = new History();
        List<Callback> callbacks = new ArrayList<>(options.callbacks());
        List<Callback> batchCallbacks = List.copyOf(callbacks); // History needs no batch hooks
        callbacks.add(history);
        for (Callback c : callbacks) {
            c.setModel(this);
        }
        stopTraining = false;
        Map<String, Double> epochLogs = Map.of();
        for (Callback c : callbacks) {
            c.onTrainBegin(Map.of());
        }
        for (int epoch = options.initialEpoch(); epoch < options.epochs(); epoch++) {
            if (options.verbose() > 0 && options.epochs() > 1) {
                out.println("Epoch " + (epoch + 1) + "/" + options.epochs()); // Keras prints no header for a single epoch
            }
            for (Callback c : callbacks) {
                c.onEpochBegin(epoch, Map.of());
            }
            if (options.shuffle()) {
                shuffle(order, shuffler);
            }
            Progbar progress = progbar(steps, options.verbose(), training.names);
            if (progress != null && valX != null) {
                progress.holdFinalLine();
            }
            training.run(x, y, weights, options.shuffle() ? order : null, batchSize, true, progress, batchCallbacks);
            Map<String, Double> logs = training.logs().snapshot();
            if (validation != null) {
                validation.run(valX, valY, valWeights, null, batchSize, false, null, List.of());
                for (int i = 0; i < validation.names.length; i++) {
                    logs.put("val_" + validation.names[i], validation.values[i]);
                }
                if (progress != null) {
                    progress.finish(logs.keySet().toArray(String[]::new), logs.values().stream().mapToDouble(Double::doubleValue).toArray());
                }
            }
            epochLogs = Collections.unmodifiableMap(logs);
            for (Callback c : callbacks) {
                c.onEpochEnd(epoch, epochLogs);
            }
            if (stopTraining) {
                break;
            }
        }
        for (Callback c : callbacks) {
            c.onTrainEnd(epochLogs);
        }
        return history;
    }

    /** Keras's {@code class_weight}: each sample weighs its class's weight (the argmax of one-hot targets); missing classes weigh 1. */
    private static float[] classWeights(Targets y, Map<Integer, Double> classWeight) {
        float[] w = new float[y.rows()];
        for (int r = 0; r < y.rows(); r++) {
            int label;
            if (y.isSparse()) {
                label = y.label(r);
            } else if (y.width() == 1) {
                label = Math.round(y.value(r, 0));
            } else {
                label = 0;
                for (int j = 1; j < y.width(); j++) {
                    if (y.value(r, j) > y.value(r, label)) {
                        label = j;
                    }
                }
            }
            w[r] = classWeight.getOrDefault(label, 1.0).floatValue();
        }
        return w;
    }

    /** Asks {@code fit} to stop after the current batch, as Keras's {@code model.stop_training = True}; callbacks set it. */
    public void stopTraining(boolean stop) {
        this.stopTraining = stop;
    }

    /** Whether a callback asked {@code fit} to stop. */
    public boolean stopTraining() {
        return stopTraining;
    }

    private TrainingLoop loop() {
        if (loop == null) {
            loop = new TrainingLoop(this);
        }
        return loop;
    }

    /**
     * One training step on one batch, as Keras's {@code train_on_batch}: forward, loss, backward and
     * an optimizer update; returns the batch's mean loss. {@code labels[i]} is the class of sample i.
     * Allocates nothing once the model has seen a batch of this size, so custom training loops (and
     * the benchmarks) can call it per step.
     */
    public float trainOnBatch(Tensor x, int[] labels) {
        prepareBatch(x, "trainOnBatch");
        if (labels.length != x.rows()) {
            throw new IllegalArgumentException("expected one label per sample: " + x.rows() + " samples, received "
                    + labels.length + " labels");
        }
        beginTraining("trainOnBatch");
        try {
            TrainingLoop l = loop();
            Targets yb = l.labelBuffer(x.rows());
            yb.setLabels(labels, x.rows());
            loss.check(yb, outputShape());
            return (float) (l.step(x, yb, null, true) / x.rows());
        } finally {
            endTraining();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Inference

    /** Evaluates with a progress bar (verbose 1). */
    public EvalResult evaluate(Tensor x, UInt8Tensor y) {
        return evaluate(x, y, 1);
    }

    /** Returns the mean loss and the metrics on {@code x}, {@code y} in batches of 32; verbose as in {@code fit}. */
    public EvalResult evaluate(Tensor x, UInt8Tensor y, int verbose) {
        return evaluate(x, Targets.of(y), DEFAULT_BATCH_SIZE, verbose);
    }

    /** Evaluates against class labels in batches of {@code batchSize}. */
    public EvalResult evaluate(Tensor x, UInt8Tensor y, int batchSize, int verbose) {
        return evaluate(x, Targets.of(y), batchSize, verbose);
    }

    /** Evaluates against class labels in batches of {@code batchSize}. */
    public EvalResult evaluate(Tensor x, IntTensor y, int batchSize, int verbose) {
        return evaluate(x, Targets.of(y), batchSize, verbose);
    }

    /** Evaluates against float targets in batches of {@code batchSize}. */
    public EvalResult evaluate(Tensor x, Tensor y, int batchSize, int verbose) {
        return evaluate(x, Targets.of(y), batchSize, verbose);
    }

    /** Returns the mean loss and each metric on {@code x} against {@code y}, as Keras's {@code evaluate}. */
    public EvalResult evaluate(Tensor x, Targets y, int batchSize, int verbose) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0, 1 or 2, received " + verbose);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, received " + batchSize);
        }
        prepare(x, y, "evaluate");
        int size = Math.min(batchSize, x.rows());
        int steps = (x.rows() + size - 1) / size;
        beginInference();
        try {
            // A loop of its own: evaluations on several threads share nothing.
            TrainingLoop evaluation = new TrainingLoop(this);
            evaluation.run(x, y, null, null, size, false, progbar(steps, verbose, evaluation.names), List.of());
            return new EvalResult(evaluation.names, evaluation.values);
        } finally {
            endInference();
        }
    }

    /**
     * The model's outputs for {@code x}, in batches of 32, as a new tensor. Unlike Keras's
     * {@code predict} it prints no progress bar; it is the same as {@link #apply}.
     */
    public Tensor predict(Tensor x) {
        return apply(x);
    }

    /** The model's outputs for {@code x} as a new tensor, computed {@code batchSize} samples at a time. */
    public Tensor predict(Tensor x, int batchSize) {
        return apply(x, batchSize);
    }

    @Override
    public Tensor apply(Tensor x, int batchSize) {
        if (!isBuilt() && x.shape().rank() >= 2) {
            buildFor(x.shape().withoutBatch());
        }
        return super.apply(x, batchSize);
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        if (layers.isEmpty()) {
            throw new IllegalStateException("model " + name() + " has no layers; add at least one before using it");
        }
        this.rng = rng instanceof SplittableRandom s ? s.split() : new SplittableRandom(rng.nextLong());
        Shape shape = inputShape;
        for (Layer layer : layers) {
            layer.build(shape, kernels(), rng);
            shape = layer.outputShape();
        }
        listWeights();
        return shape;
    }

    /**
     * Lists the layers' weights into {@link #trainable}, {@link #nonTrainable} and {@link #all}, and
     * finds the first layer that trains; again whenever a layer was frozen or unfrozen since.
     */
    private synchronized void listWeights() {
        long changes = trainableChanges();
        List<Parameter> trained = new ArrayList<>();
        List<Parameter> fixed = new ArrayList<>();
        List<Parameter> every = new ArrayList<>();
        int first = layers.size();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (!layer.trainableWeights().isEmpty() && first == layers.size()) {
                first = i;
            }
            trained.addAll(layer.trainableWeights());
            fixed.addAll(layer.nonTrainableWeights());
            every.addAll(layer.weights());
        }
        trainable = isTrainable() ? List.copyOf(trained) : List.of();
        if (!isTrainable()) {
            fixed = every;
        }
        nonTrainable = List.copyOf(fixed);
        all = List.copyOf(every);
        firstTrainable = first;
        listedAt = changes;
    }

    /** The weight lists, listed again if a layer was frozen or unfrozen since they were (a read of a counter otherwise). */
    private void currentWeights() {
        if (listedAt != trainableChanges() && isBuilt()) {
            listWeights();
        }
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h, training);
        }
        return h;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        currentWeights();
        int stop = needInputGradient ? 0 : firstTrainable;
        Tensor g = dy;
        for (int i = layers.size() - 1; i >= stop; i--) {
            g = layers.get(i).backward(g, needInputGradient || i > firstTrainable);
        }
        return needInputGradient ? g : null;
    }

    /** Every layer's trainable weights, layer by layer (Keras's {@code trainable_weights}). */
    @Override
    public List<Parameter> trainableWeights() {
        currentWeights();
        return trainable;
    }

    /** Every layer's weights, layer by layer, each layer's trainable ones first (Keras's {@code weights} and {@code get_weights} order). */
    @Override
    public List<Parameter> weights() {
        currentWeights();
        return all;
    }

    /** Every layer's non-trainable weights, layer by layer (Keras's {@code non_trainable_weights}). */
    @Override
    public List<Parameter> nonTrainableWeights() {
        currentWeights();
        return nonTrainable;
    }

    // ---------------------------------------------------------------------------------------------
    // Files

    /**
     * Saves the model as a Keras 3 {@code .keras} file ({@code model.save("model.keras")}): its
     * config, its weights and, once it has trained, its optimizer's state, so that
     * {@link #load(Path)} (or Keras's {@code keras.saving.load_model}) continues where it stopped.
     * Needs the HDF5 support of {@code dev.jeras:jeras-io} on the class or module path. The file is
     * written to a temporary file and renamed: a failed save leaves an existing file intact.
     */
    public void save(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".keras")) {
            throw new IllegalArgumentException("a model file must end in .keras, as Keras requires, received " + file
                    + "; to save only the weights, use saveWeights with a .weights.h5, .safetensors or .npz file");
        }
        requireBuiltToSave();
        beginInference();
        try {
            KerasFile.save(this, file);
        } finally {
            endInference();
        }
    }

    /** Loads a Keras 3 {@code .keras} file written by Keras or jeras, compiled as it was saved (Keras's {@code load_model}). */
    public static Sequential load(Path file) throws IOException {
        return load(file, true);
    }

    /**
     * Loads a Keras 3 {@code .keras} file; with {@code compile} false its compile settings and
     * optimizer state are ignored, as Keras's {@code load_model(..., compile=False)}. A model whose
     * layers jeras lacks, a corrupt or altered file, or weights that do not fit the config give a
     * {@link ModelFileException} that says which; no half-loaded model is returned. Loading never
     * runs code from the file.
     */
    public static Sequential load(Path file, boolean compile) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
            throw new IllegalArgumentException(file + " looks like a Keras 2 / tf.keras HDF5 model, a layout jeras does not read; "
                    + "load it in Keras 3 and save it again as .keras (model.save(\"model.keras\")), or load only its weights "
                    + "into a jeras model if it is a Keras 3 .weights.h5 file (loadWeights)");
        }
        return KerasFile.load(file, compile);
    }

    /**
     * Saves the weights, chosen by the file's suffix: {@code .weights.h5} as Keras's
     * {@code save_weights} writes it (with the optimizer's state; needs {@code jeras-io}),
     * {@code .safetensors} or {@code .npz}, with Keras-style names ({@code dense/kernel}). Atomic, as {@link #save}.
     */
    public void saveWeights(Path file) throws IOException {
        String format = weightsFormat(file);
        requireBuiltToSave();
        beginInference();
        try {
            switch (format) {
                case ".weights.h5" -> KerasFile.saveWeights(this, file);
                case ".safetensors" -> WeightFiles.saveSafetensors(this, file);
                default -> WeightFiles.saveNpz(this, file);
            }
        } finally {
            endInference();
        }
    }

    /**
     * Loads weights saved by {@link #saveWeights} or by Keras into this model, which is built first
     * if its input shape is declared. Every name and shape is checked before any weight changes. A
     * {@code .weights.h5} also restores the optimizer's state when this model is compiled with the
     * same kind of optimizer.
     */
    public void loadWeights(Path file) throws IOException {
        String format = weightsFormat(file);
        if (!isBuilt() && declaredInputShape() != null) {
            buildFor(declaredInputShape());
        }
        if (!isBuilt()) {
            throw new IllegalStateException("model " + name() + " is not built, so it has no weights to load into: give the first "
                    + "layer an input shape (for example new Flatten(28, 28)) or call apply on a batch first");
        }
        switch (format) {
            case ".weights.h5" -> {
                beginTraining("loadWeights");
                try {
                    KerasFile.loadWeights(this, file);
                } finally {
                    endTraining();
                }
            }
            case ".safetensors" -> WeightFiles.loadSafetensors(this, file);
            default -> WeightFiles.loadNpz(this, file);
        }
    }

    private static String weightsFormat(Path file) {
        String name = file.getFileName().toString();
        for (String suffix : new String[] {".weights.h5", ".safetensors", ".npz"}) {
            if (name.endsWith(suffix)) {
                return suffix;
            }
        }
        throw new IllegalArgumentException("cannot tell the weights format of " + file + ": name it .weights.h5 (Keras), "
                + ".safetensors or .npz");
    }

    private void requireBuiltToSave() {
        if (!isBuilt()) {
            throw new IllegalStateException("model " + name() + " has not been built, so it has no weights to save: call fit, apply "
                    + "or summary first");
        }
    }

    /** Prints Keras's summary table to the model's output. */
    public void summary() {
        if (!isBuilt()) {
            if (declaredInputShape() == null) {
                throw new IllegalStateException("model " + name() + " is not built yet, so its shapes are unknown: "
                        + "give the first layer an input shape (for example new Flatten(28, 28)) or call fit or apply first");
            }
            buildFor(declaredInputShape());
        }
        out.print(Summary.of(this));
        out.flush();
    }

    /** The loss given to {@code compile}, or null before it. */
    public Loss loss() {
        return loss;
    }

    /** The optimizer given to {@code compile} (Keras's {@code model.optimizer}), or null before it. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The metrics given to {@code compile}. */
    public List<Metric> metrics() {
        return metrics;
    }

    void buildFor(Shape sample) {
        build(sample, kernels() != null ? kernels() : Kernels.active(), new SplittableRandom(seed));
    }

    /** Validates data for fit or evaluate and builds the model if needed. */
    private void prepare(Tensor x, Targets y, String caller) {
        prepareBatch(x, caller);
        if (y.rows() != x.rows()) {
            String what = y.isSparse() ? "label" : "target";
            throw new IllegalArgumentException(caller + ": expected one " + what + " per sample: " + x.rows() + " samples, received "
                    + y.rows() + " " + what + "s");
        }
        loss.check(y, outputShape());
    }

    /** Checks that the model is compiled and {@code x} is a non-empty batch it accepts, building the model on first use. */
    private void prepareBatch(Tensor x, String caller) {
        requireCompiled(caller);
        if (x.shape().rank() < 2 || x.rows() == 0) {
            throw new IllegalArgumentException(caller + " needs a non-empty batch of samples (samples first), received shape " + x.shape());
        }
        if (!isBuilt()) {
            buildFor(x.shape().withoutBatch());
        }
        checkInput(x);
    }

    private void requireCompiled(String caller) {
        if (loss == null) {
            throw new IllegalStateException("call compile(optimizer, loss, metrics) before " + caller);
        }
    }

    private Progbar progbar(int steps, int verbose, String[] names) {
        if (verbose == 0) {
            return null;
        }
        boolean terminal = out == System.out && System.console() != null && System.console().isTerminal();
        return new Progbar(steps, verbose, terminal, out, System::nanoTime, names);
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /** Fisher-Yates, in place. */
    private static void shuffle(int[] order, RandomGenerator rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    @Override
    public String typeName() {
        return "Sequential";
    }

    /** Keras formats memory with 1024-byte units and two decimals. */
    static String readableSize(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double size = bytes;
        int u = 0;
        while (size >= 1024 && u < units.length - 1) {
            size /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", size, units[u]);
    }
}
