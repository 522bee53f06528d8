package dev.jeras.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.initializers.Initializer;
import dev.jeras.kernels.Kernels;
import dev.jeras.regularizers.Regularizer;

/**
 * A layer in Keras's lifecycle: the constructor checks its configuration, {@link #build} creates the
 * weights once the input shape is known, {@link #forward} is Keras's {@code call}, and
 * {@link #backward} sits beside it.
 *
 * <p>{@code forward} and {@code backward} return tensors over buffers the layer reuses, so a training
 * step allocates nothing; they are valid until the layer's next call on the same thread. {@link #apply}
 * is the safe public entry point: it returns a fresh tensor.
 *
 * <p>Threads: inference ({@link #apply}, and a model's {@code predict} and {@code evaluate}) may run
 * on any number of threads at once and gives each exactly what a single caller gets, because every
 * buffer is per thread and {@code forward(x, false)} writes no field of the layer. Training holds the
 * layer alone: a {@code fit} that finds inference running, or another {@code fit}, is refused with an
 * {@link IllegalStateException}, and so is inference from another thread while a {@code fit} runs. A
 * user's layer keeps this promise when its {@code forward} in inference writes no field (allocate the
 * output, or keep what {@code backward} needs only when {@code training}).
 */
public abstract class Layer {

    /** Keras's default batch size: samples per step of {@code fit}, {@code evaluate}, {@code predict} and {@link #apply}. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private static final Map<String, AtomicInteger> NAME_COUNTS = new ConcurrentHashMap<>();

    /** {@link #users} while a training call holds the layer. */
    private static final int TRAINING = -1;

    private String name;
    private Shape declaredInputShape;
    private Shape inputShape;
    /** Set last by {@link #build}: a thread that sees it sees the whole built layer. */
    private volatile Shape outputShape;
    private Kernels kernels;
    private final List<Parameter> trainableWeights = new ArrayList<>();
    private final List<Parameter> nonTrainableWeights = new ArrayList<>();
    private volatile boolean trainable = true;
    private static final AtomicLong TRAINABLE_CHANGES = new AtomicLong();
    /** The build's random generator while {@link #onBuild} runs, else null. */
    private RandomGenerator buildRng;
    /** Inference calls running (0 or more), or {@link #TRAINING}. */
    private final AtomicInteger users = new AtomicInteger();
    private volatile Thread trainer;
    private final List<Layer> self = List.of(this);

    /**
     * A layer named like Keras names them ({@code dense}, {@code dense_1}, ...), with an optional
     * declared input shape (per sample, no batch dimension).
     */
    protected Layer(String namePrefix, Shape declaredInputShape) {
        int n = NAME_COUNTS.computeIfAbsent(namePrefix, k -> new AtomicInteger()).getAndIncrement();
        this.name = n == 0 ? namePrefix : namePrefix + "_" + n;
        this.declaredInputShape = declaredInputShape;
    }

    /** The layer's unique name, for example {@code dense_1}. */
    public final String name() {
        return name;
    }

    /** Renames the layer, as Keras's {@code name=} argument; only before it is built. */
    public Layer named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a layer name must not be blank");
        }
        if (isBuilt()) {
            throw new IllegalStateException("layer " + this.name + " is already built: name it before its first use");
        }
        this.name = name;
        return this;
    }

    /** Whether {@link #build} has run. */
    public final boolean isBuilt() {
        return outputShape != null;
    }

    /** The shape of one input sample; the layer must be built. */
    public final Shape inputShape() {
        requireBuilt();
        return inputShape;
    }

    /** The shape of one output sample; the layer must be built. */
    public final Shape outputShape() {
        requireBuilt();
        return outputShape;
    }

    /** The input shape given at construction (such as {@code Flatten(28, 28)}), or null. */
    public final Shape declaredInputShape() {
        return declaredInputShape;
    }

    /** Declares the input shape before the layer is built (a model given an {@code Input}). */
    protected final void declareInputShape(Shape shape) {
        if (isBuilt()) {
            throw new IllegalStateException("layer " + name + " is already built for input " + inputShape.toBatchString());
        }
        this.declaredInputShape = shape;
    }

    /** The kernels this layer computes with; set by {@link #build} unless chosen before. */
    public final Kernels kernels() {
        return kernels;
    }

    /** Chooses the kernels before the layer is built. */
    protected final void setKernels(Kernels kernels) {
        if (isBuilt()) {
            throw new IllegalStateException("layer " + name + " is already built with " + this.kernels.name()
                    + ": choose its kernels before its first use");
        }
        this.kernels = kernels;
    }

    /**
     * Builds the layer for input samples of {@code inputShape}: creates its weights from {@code rng}
     * and computes with {@code kernels} unless others were chosen. Building twice with the same shape
     * does nothing; with another shape it is an error.
     */
    public final synchronized void build(Shape inputShape, Kernels kernels, RandomGenerator rng) {
        if (isBuilt()) {
            if (!inputShape.equals(this.inputShape)) {
                throw new IllegalArgumentException("layer " + name + " was built for input " + this.inputShape.toBatchString()
                        + ", received input " + inputShape.toBatchString());
            }
            return;
        }
        if (declaredInputShape != null && !declaredInputShape.equals(inputShape)) {
            throw new IllegalArgumentException("layer " + name + " expects input of shape " + declaredInputShape.toBatchString()
                    + ", received " + inputShape.toBatchString());
        }
        if (this.kernels == null) {
            this.kernels = kernels;
        }
        this.inputShape = inputShape;
        buildRng = rng;
        Shape output;
        try {
            output = onBuild(inputShape, rng);
        } catch (RuntimeException | Error e) {
            trainableWeights.clear();
            nonTrainableWeights.clear();
            this.inputShape = null;
            throw e;
        } finally {
            buildRng = null;
        }
        this.outputShape = output;
    }

    /** A trainable weight: {@link #addWeight(String, Shape, Initializer, boolean)} with {@code trainable} true. */
    public final Parameter addWeight(String name, Shape shape, Initializer initializer) {
        return addWeight(name, shape, initializer, true);
    }

    /**
     * Creates a weight of this layer, as Keras's {@code add_weight}; call it from {@link #onBuild}.
     * The weight is named {@code layer/name} (such as {@code dense/kernel}), filled by
     * {@code initializer} from the build's random generator, and saved and loaded with the layer in
     * the order the weights were added (trainable ones first, as Keras orders them). Trainable weights
     * get a gradient, which {@link #backward} must fill, and are updated by the optimizer.
     */
    public final Parameter addWeight(String name, Shape shape, Initializer initializer, boolean trainable) {
        return addWeight(name, shape, initializer, trainable, null);
    }

    /**
     * As {@link #addWeight(String, Shape, Initializer, boolean)}, with a penalty on the weight that
     * training adds to the loss (Keras's {@code regularizer}; null for none).
     */
    public final Parameter addWeight(String name, Shape shape, Initializer initializer, boolean trainable, Regularizer regularizer) {
        if (buildRng == null) {
            throw new IllegalStateException("layer " + this.name + ": addWeight(\"" + name + "\") must be called from onBuild, "
                    + "where the input shape is known");
        }
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("layer " + this.name + ": a weight name must be non-blank and contain no '/', received '"
                    + name + "'");
        }
        for (Parameter p : weights()) {
            if (p.name().equals(this.name + "/" + name)) {
                throw new IllegalArgumentException("layer " + this.name + " already has a weight named '" + name + "'");
            }
        }
        Parameter p = new Parameter(this.name + "/" + name, shape, trainable, regularizer);
        initializer.initialize(p.value().array(), shape, buildRng);
        (trainable ? trainableWeights : nonTrainableWeights).add(p);
        return p;
    }

    /** Creates weights and buffers for samples of {@code inputShape}; returns the output sample shape. */
    protected abstract Shape onBuild(Shape inputShape, RandomGenerator rng);

    /**
     * The forward pass over a batch (Keras's {@code call}). Dropout and similar layers act only when
     * {@code training}. The result lives in this layer's buffer until its next call.
     */
    public abstract Tensor forward(Tensor x, boolean training);

    /**
     * The backward pass for the last {@code forward}: stores parameter gradients and returns the
     * gradient with respect to the input, or null when {@code needInputGradient} is false. It may
     * overwrite {@code dy}.
     */
    public abstract Tensor backward(Tensor dy, boolean needInputGradient);

    /**
     * The weights the optimizer trains, in the order they were added (Keras's {@code trainable_weights}):
     * none while the layer is frozen.
     */
    public List<Parameter> trainableWeights() {
        return trainable ? List.copyOf(trainableWeights) : List.of();
    }

    /** The weights no optimizer touches (Keras's {@code non_trainable_weights}): all of them while the layer is frozen. */
    public List<Parameter> nonTrainableWeights() {
        if (trainable) {
            return List.copyOf(nonTrainableWeights);
        }
        List<Parameter> all = new ArrayList<>(trainableWeights);
        all.addAll(nonTrainableWeights);
        return all;
    }

    /** Whether {@code fit} updates this layer's weights (Keras's {@code trainable}); true until {@link #setTrainable}. */
    public final boolean isTrainable() {
        return trainable;
    }

    /**
     * Freezes this layer (false) or lets it train again, and every layer inside it, as Keras's
     * {@code layer.trainable = ...}: a frozen layer's weights move to {@link #nonTrainableWeights},
     * the optimizer leaves them alone, and a frozen {@code BatchNormalization} normalizes with its
     * moving statistics even in training. As in Keras, compile the model again before the next
     * {@code fit}; an optimizer built for the old weights refuses the new ones. Refused while another
     * thread uses the layer. Returns this layer.
     */
    public Layer setTrainable(boolean trainable) {
        alone("setTrainable", () -> {
            for (Layer layer : family()) {
                layer.trainable = trainable;
            }
            TRAINABLE_CHANGES.incrementAndGet();
        });
        return this;
    }

    /** Counts every {@link #setTrainable} in the JVM, so that a model knows when to list its trainable weights again. */
    protected static long trainableChanges() {
        return TRAINABLE_CHANGES.get();
    }

    /** All weights: the trainable ones, then the others (Keras's {@code weights}); a model lists them layer by layer. */
    public List<Parameter> weights() {
        List<Parameter> all = new ArrayList<>(trainableWeights());
        all.addAll(nonTrainableWeights());
        return all;
    }

    /** Copies of the weights' values, in the order of {@link #weights()} (Keras's {@code get_weights}). */
    public final List<Tensor> getWeights() {
        List<Tensor> values = new ArrayList<>();
        for (Parameter p : weights()) {
            values.add(Tensor.of(p.value().toArray(), p.shape().dims()));
        }
        return values;
    }

    /**
     * Sets every weight from {@code values}, in the order of {@link #weights()} (Keras's
     * {@code set_weights}). The count and every shape are checked before anything is written, so a
     * mismatch leaves the weights as they were. The layer must be built.
     */
    public final void setWeights(List<Tensor> values) {
        requireBuilt();
        List<Parameter> weights = weights();
        if (values.size() != weights.size()) {
            throw new IllegalArgumentException("layer " + name + " has " + weights.size() + " weights " + names(weights)
                    + ", received " + values.size() + " arrays");
        }
        for (int i = 0; i < weights.size(); i++) {
            Shape expected = weights.get(i).shape();
            if (values.get(i) == null || !values.get(i).shape().equals(expected)) {
                throw new IllegalArgumentException("layer " + name + ": weight " + i + " (" + weights.get(i).name() + ") has shape "
                        + expected + ", received " + (values.get(i) == null ? "null" : values.get(i).shape().toString()));
            }
        }
        alone("setWeights", () -> {
            for (int i = 0; i < weights.size(); i++) {
                Tensor v = values.get(i);
                float[] dst = weights.get(i).value().array();
                if (v.isFloat()) {
                    System.arraycopy(v.array(), v.offset(), dst, 0, dst.length);
                } else {
                    System.arraycopy(v.toArray(), 0, dst, 0, dst.length);
                }
            }
        });
    }

    /**
     * Runs a change to the layer while holding it as training does, so that no other thread uses it
     * meanwhile; a call from inside this thread's own training (a callback: EarlyStopping restoring
     * the best weights) already holds it.
     */
    private void alone(String caller, Runnable change) {
        boolean held = users.get() == TRAINING && trainer == Thread.currentThread();
        if (!held) {
            beginTraining(caller);
        }
        try {
            change.run();
        } finally {
            if (!held) {
                endTraining();
            }
        }
    }

    private static List<String> names(List<Parameter> weights) {
        List<String> names = new ArrayList<>();
        for (Parameter p : weights) {
            names.add(p.name());
        }
        return names;
    }

    /** The number of weight values, trainable or not. */
    public final long countParams() {
        long n = 0;
        for (Parameter p : weights()) {
            n += p.size();
        }
        return n;
    }

    /** The number of trainable weight values. */
    public final long countTrainableParams() {
        long n = 0;
        for (Parameter p : trainableWeights()) {
            n += p.size();
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------
    // Who uses the layer: any number of inference calls at once, or one training call.

    /** This layer and, for a model, every layer inside it: what a call must hold. Models override it. */
    public List<Layer> family() {
        return self;
    }

    /**
     * Holds this layer (and every layer inside it) for inference, or throws when another thread
     * trains it. The thread that trains may also run inference between its steps. Allocates nothing.
     */
    public final void beginInference() {
        List<Layer> family = family();
        for (int i = 0; i < family.size(); i++) {
            if (!family.get(i).enterInference()) {
                for (int j = 0; j < i; j++) {
                    family.get(j).exitInference();
                }
                throw family.get(i).refused("inference (apply, predict or evaluate)");
            }
        }
    }

    /** Releases what {@link #beginInference} held. */
    public final void endInference() {
        List<Layer> family = family();
        for (int i = 0; i < family.size(); i++) {
            family.get(i).exitInference();
        }
    }

    /** Holds this layer (and every layer inside it) alone for training, or throws when anything else uses it. Allocates nothing. */
    public final void beginTraining(String caller) {
        List<Layer> family = family();
        for (int i = 0; i < family.size(); i++) {
            Layer layer = family.get(i);
            if (!layer.users.compareAndSet(0, TRAINING)) {
                for (int j = 0; j < i; j++) {
                    family.get(j).exitTraining();
                }
                throw layer.refused(caller);
            }
            layer.trainer = Thread.currentThread();
        }
    }

    /** Releases what {@link #beginTraining} held. */
    public final void endTraining() {
        List<Layer> family = family();
        for (int i = 0; i < family.size(); i++) {
            family.get(i).exitTraining();
        }
    }

    private boolean enterInference() {
        while (true) {
            int n = users.get();
            if (n == TRAINING) {
                return trainer == Thread.currentThread();
            }
            if (users.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void exitInference() {
        if (users.get() == TRAINING && trainer == Thread.currentThread()) {
            return; // the trainer's own inference was not counted
        }
        users.decrementAndGet();
    }

    private void exitTraining() {
        trainer = null;
        users.set(0);
    }

    private IllegalStateException refused(String caller) {
        int n = users.get();
        Thread t = trainer;
        String state = n == TRAINING
                ? "is training (a fit, trainOnBatch or setWeights on thread '" + (t == null ? "?" : t.getName()) + "')"
                : "is serving " + n + " inference call" + (n == 1 ? "" : "s") + " (apply, predict or evaluate)";
        return new IllegalStateException("layer " + name + " " + state + ", so " + caller + " on thread '"
                + Thread.currentThread().getName() + "' is refused: inference may run on many threads at once, but training "
                + "changes the weights and must run alone. Wait for the other call to return, or use a copy of the model "
                + "(save it and load it again)");
    }

    /**
     * Runs the layer in inference mode on a batch and returns a new tensor, building the layer on
     * first use (with {@link Kernels#active()} and a random seed, like an unseeded Keras layer).
     * Computes {@link #DEFAULT_BATCH_SIZE} samples at a time.
     */
    public final Tensor apply(Tensor x) {
        return apply(x, DEFAULT_BATCH_SIZE);
    }

    /** {@link #apply(Tensor)}, computing {@code batchSize} samples at a time (which bounds the memory of a step). */
    public Tensor apply(Tensor x, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, received " + batchSize);
        }
        Shape sample = sampleShape(x);
        if (!isBuilt()) {
            build(sample, Kernels.active(), new SplittableRandom());
        }
        checkInput(x);
        beginInference();
        try {
            return infer(x, batchSize);
        } finally {
            endInference();
        }
    }

    /** The forward pass in inference over {@code x} in batches of {@code batchSize}, into a new tensor. */
    private Tensor infer(Tensor x, int batchSize) {
        Shape output = outputShape;
        int rowSize = output.size();
        Tensor out = Tensor.wrap(new float[sizeOf(x.rows(), rowSize)], 0, output.withBatch(x.rows()));
        // Float inputs are passed as views; inputs computed from bytes are gathered per batch.
        float[] gathered = x.isFloat() ? null : new float[sizeOf(Math.min(batchSize, x.rows()), inputShape.size())];
        for (int start = 0; start < x.rows(); start += batchSize) {
            int end = Math.min(start + batchSize, x.rows());
            Tensor batch = x.rows(start, end);
            if (gathered != null) {
                batch = Tensor.wrap(gathered, 0, inputShape.withBatch(end - start));
                x.gatherRows(kernels, null, start, end - start, gathered, 0);
            }
            Tensor y = forward(batch, false);
            System.arraycopy(y.array(), y.offset(), out.array(), start * rowSize, (end - start) * rowSize);
        }
        return out;
    }

    /** {@code rows * rowSize} elements, or a clear error when that is more than a Java array holds. */
    public static int sizeOf(int rows, int rowSize) {
        try {
            return Math.multiplyExact(rows, rowSize);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(rows + " samples of " + rowSize + " values are more than one array holds (2^31 - 1); "
                    + "predict in smaller slices", e);
        }
    }

    /** Checks that {@code x} is a batch of samples shaped as this built layer expects; allocates only to fail. */
    public final void checkInput(Tensor x) {
        Shape expected = inputShape();
        Shape actual = x.shape();
        boolean matches = actual.rank() == expected.rank() + 1;
        for (int d = 0; matches && d < expected.rank(); d++) {
            matches = actual.dim(d + 1) == expected.dim(d);
        }
        if (!matches) {
            throw new IllegalArgumentException("layer " + name + " expects input of shape " + expected.toBatchString()
                    + ", received " + actual);
        }
    }

    private static Shape sampleShape(Tensor x) {
        if (x.shape().rank() < 2) {
            throw new IllegalArgumentException("expected a batch: a tensor whose first dimension counts samples, received shape "
                    + x.shape() + "; for a single sample use x.reshape(1, ...)");
        }
        return x.shape().withoutBatch();
    }

    protected final void requireBuilt() {
        if (!isBuilt()) {
            throw new IllegalStateException("layer " + name + " is not built yet: give the first layer an input shape "
                    + "(for example new Flatten(28, 28)) or call apply or fit first");
        }
    }

    /**
     * Restarts the random numbers the layer draws in training (a dropout mask per step) from
     * {@code rng}, on a built layer. Layers without randomness ignore it; a model passes a split of
     * its generator to each layer in turn. Distributed training uses it to give every worker and
     * round its own reproducible stream.
     */
    public void reseed(RandomGenerator rng) {
    }

    /** The Keras class name shown by {@code summary()}. */
    public String typeName() {
        return getClass().getSimpleName();
    }
}
