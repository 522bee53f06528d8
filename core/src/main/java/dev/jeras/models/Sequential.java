package dev.jeras.models;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import dev.jeras.kernels.Kernels;
import dev.jeras.Labels;
import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.layers.Flatten;
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

    private final List<Layer> layers;
    private long seed = ThreadLocalRandom.current().nextLong();
    private SplittableRandom rng;
    private List<Parameter> trainable = List.of();
    private List<Parameter> nonTrainable = List.of();
    /** This model and every layer in it, nested models' layers included: what a call holds (see {@link Layer}). */
    private final List<Layer> family;
    /** Index of the first layer with parameters; layers before it need no backward pass. */
    private int firstTrainable;
    private Optimizer optimizer;
    private Loss loss;
    private List<Metric> metrics = List.of();
    private PrintStream out = System.out;
    private final TrainingLoop loop = new TrainingLoop(this);

    /** A model of the given layers, applied in order. */
    public Sequential(Layer... layers) {
        this(layers.length > 0 && layers[0] != null ? layers[0].declaredInputShape() : null, layers);
    }

    /** A model of the given layers for samples of {@code inputShape} (Keras's {@code InputLayer}; null: learnt from the first batch). */
    Sequential(Shape inputShape, Layer... layers) {
        super("sequential", inputShape);
        if (layers.length == 0) {
            throw new IllegalArgumentException("a Sequential model needs at least one layer");
        }
        Set<Layer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> names = new HashSet<>();
        for (Layer layer : layers) {
            if (layer == null) {
                throw new IllegalArgumentException("Sequential received a null layer: " + Arrays.toString(layers));
            }
            if (!seen.add(layer)) {
                throw new IllegalArgumentException("layer " + layer.name() + " appears twice in the model; create a new layer for each position");
            }
            if (!names.add(layer.name())) {
                throw new IllegalArgumentException("two layers are named '" + layer.name() + "'; layer names in a model must be unique");
            }
        }
        this.layers = List.of(layers);
        List<Layer> all = new ArrayList<>();
        all.add(this);
        for (Layer layer : layers) {
            all.addAll(layer.family());
        }
        this.family = List.copyOf(all);
    }

    @Override
    List<Layer> family() {
        return family;
    }

    @Override
    public Sequential named(String name) {
        super.named(name);
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

    /** Computes with {@code kernels} instead of {@link Kernels#active()}; call before the model is built. */
    public Sequential useKernels(Kernels kernels) {
        setKernels(kernels);
        return this;
    }

    /** Prints summaries and progress to {@code out} instead of {@link System#out}. */
    public Sequential output(PrintStream out) {
        this.out = out;
        return this;
    }

    /** The layers, in order. */
    public List<Layer> layers() {
        return layers;
    }

    /** Chooses the optimizer, the loss and the metrics for {@code fit} and {@code evaluate}. */
    public void compile(Optimizer optimizer, Loss loss, Metric... metrics) {
        if (optimizer == null || loss == null) {
            throw new IllegalArgumentException("compile needs an optimizer and a loss, received optimizer=" + optimizer + ", loss=" + loss);
        }
        this.optimizer = optimizer;
        this.loss = loss;
        this.metrics = List.of(metrics);
    }

    /** Trains for {@code epochs} epochs with Keras's defaults (batch 32, shuffled, progress bar). */
    public History fit(Tensor x, UInt8Tensor y, int epochs) {
        return fit(x, y, FitOptions.epochs(epochs));
    }

    /** Trains on {@code x} (samples first) against class labels {@code y}, printing Keras's progress. */
    public History fit(Tensor x, UInt8Tensor y, FitOptions options) {
        int[] labels = prepare(x, y, "fit");
        beginTraining("fit");
        try {
            return train(x, labels, options);
        } finally {
            endTraining();
        }
    }

    private History train(Tensor x, int[] labels, FitOptions options) {
        int n = x.rows();
        int[] order = identity(n);
        RandomGenerator shuffler = options.seed() != null ? new SplittableRandom(options.seed()) : rng.split();
        int steps = (n + options.batchSize() - 1) / options.batchSize();
        List<Double> losses = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            if (options.verbose() > 0) {
                out.println("Epoch " + epoch + "/" + options.epochs());
            }
            if (options.shuffle()) {
                shuffle(order, shuffler);
            }
            EvalResult r = loop.run(x, labels, order, options.batchSize(), true, progbar(steps, options.verbose()));
            losses.add(r.loss());
            accuracies.add(r.accuracy());
        }
        return new History(losses, accuracies);
    }

    /**
     * One training step on one batch, as Keras's {@code train_on_batch}: forward, loss, backward and
     * an optimizer update; returns the batch's mean loss. {@code labels[i]} is the class of sample i.
     * Allocates nothing once the model has seen a batch of this size, so custom training loops (and
     * the benchmarks) can call it per step.
     */
    public float trainOnBatch(Tensor x, int[] labels) {
        int classes = prepareBatch(x, "trainOnBatch");
        if (labels.length < x.rows()) {
            throw new IllegalArgumentException("expected one label per sample: " + x.rows() + " samples, received "
                    + labels.length + " labels");
        }
        Labels.checkRange(labels, x.rows(), classes);
        beginTraining("trainOnBatch");
        try {
            return (float) (loop.step(x, labels, true) / x.rows());
        } finally {
            endTraining();
        }
    }

    /** Evaluates with a progress bar (verbose 1). */
    public EvalResult evaluate(Tensor x, UInt8Tensor y) {
        return evaluate(x, y, 1);
    }

    /** Returns the mean loss and the accuracy on {@code x}, {@code y} in batches of 32; verbose as in {@code fit}. */
    public EvalResult evaluate(Tensor x, UInt8Tensor y, int verbose) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0, 1 or 2, received " + verbose);
        }
        int[] labels = prepare(x, y, "evaluate");
        int steps = (x.rows() + INFERENCE_BATCH - 1) / INFERENCE_BATCH;
        beginInference();
        try {
            // A loop of its own: evaluations on several threads share nothing.
            return new TrainingLoop(this).run(x, labels, null, INFERENCE_BATCH, false, progbar(steps, verbose));
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

    @Override
    public Tensor apply(Tensor x) {
        if (!isBuilt() && x.shape().rank() >= 2) {
            buildFor(x.shape().withoutBatch());
        }
        return super.apply(x);
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        this.rng = rng instanceof SplittableRandom s ? s.split() : new SplittableRandom(rng.nextLong());
        Shape shape = inputShape;
        List<Parameter> all = new ArrayList<>();
        List<Parameter> fixed = new ArrayList<>();
        firstTrainable = layers.size();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            layer.build(shape, kernels(), rng);
            shape = layer.outputShape();
            if (!layer.trainableWeights().isEmpty() && firstTrainable == layers.size()) {
                firstTrainable = i;
            }
            all.addAll(layer.trainableWeights());
            fixed.addAll(layer.nonTrainableWeights());
        }
        trainable = List.copyOf(all);
        nonTrainable = List.copyOf(fixed);
        return shape;
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
        return trainable;
    }

    /** Every layer's non-trainable weights, layer by layer (Keras's {@code non_trainable_weights}). */
    @Override
    public List<Parameter> nonTrainableWeights() {
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

    /** Validates data for fit or evaluate, builds the model if needed, and returns the labels as ints. */
    private int[] prepare(Tensor x, UInt8Tensor y, String caller) {
        int classes = prepareBatch(x, caller);
        return Labels.of(y, x.rows(), classes, "the model's output " + outputShape().toBatchString());
    }

    /**
     * Checks that the model is compiled and {@code x} is a non-empty batch it accepts, building the
     * model on first use; returns the number of classes, or -1 when the output is not (batch, classes).
     * Allocates only to fail, or to build.
     */
    private int prepareBatch(Tensor x, String caller) {
        requireCompiled(caller);
        if (x.shape().rank() < 2 || x.rows() == 0) {
            throw new IllegalArgumentException(caller + " needs a non-empty batch of samples (samples first), received shape " + x.shape());
        }
        if (!isBuilt()) {
            buildFor(x.shape().withoutBatch());
        }
        checkInput(x);
        Shape output = outputShape();
        return output.rank() == 1 ? output.dim(0) : -1;
    }

    private void requireCompiled(String caller) {
        if (loss == null) {
            throw new IllegalStateException("call compile(optimizer, loss, metrics) before " + caller);
        }
    }

    private Progbar progbar(int steps, int verbose) {
        if (verbose == 0) {
            return null;
        }
        boolean terminal = out == System.out && System.console() != null && System.console().isTerminal();
        List<String> names = new ArrayList<>();
        for (Metric m : metrics) {
            names.add(m.kerasName());
        }
        names.add("loss");
        return new Progbar(steps, verbose, terminal, out, System::nanoTime, names.toArray(String[]::new));
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
    String typeName() {
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
