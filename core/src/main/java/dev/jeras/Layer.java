package dev.jeras;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

import dev.jeras.kernels.Kernels;

/**
 * A layer in Keras's lifecycle: the constructor checks its configuration, {@link #build} creates the
 * weights once the input shape is known, {@link #forward} is Keras's {@code call}, and
 * {@link #backward} sits beside it.
 *
 * <p>{@code forward} and {@code backward} return tensors over buffers the layer owns and reuses, so a
 * training step allocates nothing; they are valid until the layer's next call. {@link #apply} is the
 * safe public entry point: it returns a fresh tensor. A layer is not thread-safe.
 */
public abstract class Layer {

    /** Samples per forward pass in {@link #apply}, matching Keras's default batch size. */
    static final int INFERENCE_BATCH = 32;

    private static final Map<String, AtomicInteger> NAME_COUNTS = new ConcurrentHashMap<>();

    private String name;
    private final Shape declaredInputShape;
    private Shape inputShape;
    private Shape outputShape;
    private Kernels kernels;

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
    final Shape declaredInputShape() {
        return declaredInputShape;
    }

    /** The kernels this layer computes with; set by {@link #build} unless chosen before. */
    protected final Kernels kernels() {
        return kernels;
    }

    /** Chooses the kernels before the layer is built. */
    final void setKernels(Kernels kernels) {
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
    public final void build(Shape inputShape, Kernels kernels, RandomGenerator rng) {
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
        this.outputShape = onBuild(inputShape, rng);
        this.inputShape = inputShape;
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

    /** The trainable parameters, in a fixed order. */
    public List<Parameter> parameters() {
        return List.of();
    }

    /** The number of trainable values. */
    public final long countParams() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.size();
        }
        return n;
    }

    /**
     * Runs the layer in inference mode on a batch and returns a new tensor, building the layer on
     * first use (with {@link Kernels#active()} and a random seed, like an unseeded Keras layer).
     */
    public Tensor apply(Tensor x) {
        Shape sample = sampleShape(x);
        if (!isBuilt()) {
            build(sample, Kernels.active(), new SplittableRandom());
        }
        checkInput(x);
        int rowSize = outputShape.size();
        Tensor out = Tensor.wrap(new float[sizeOf(x.rows(), rowSize)], 0, outputShape.withBatch(x.rows()));
        // Float inputs are passed as views; inputs computed from bytes are gathered per batch.
        Buffer gathered = x.isFloat() ? null : new Buffer();
        for (int start = 0; start < x.rows(); start += INFERENCE_BATCH) {
            int end = Math.min(start + INFERENCE_BATCH, x.rows());
            Tensor batch = x.rows(start, end);
            if (gathered != null) {
                batch = gathered.get(end - start, inputShape);
                x.gatherRows(kernels, null, start, end - start, batch.array(), batch.offset());
            }
            Tensor y = forward(batch, false);
            System.arraycopy(y.array(), y.offset(), out.array(), start * rowSize, (end - start) * rowSize);
        }
        return out;
    }

    /** {@code rows * rowSize} elements, or a clear error when that is more than a Java array holds. */
    static int sizeOf(int rows, int rowSize) {
        try {
            return Math.multiplyExact(rows, rowSize);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(rows + " samples of " + rowSize + " values are more than one array holds (2^31 - 1); "
                    + "predict in smaller slices", e);
        }
    }

    /** Checks that {@code x} is a batch of samples shaped as this built layer expects; allocates only to fail. */
    final void checkInput(Tensor x) {
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

    private void requireBuilt() {
        if (!isBuilt()) {
            throw new IllegalStateException("layer " + name + " is not built yet: give the first layer an input shape "
                    + "(for example new Flatten(28, 28)) or call apply or fit first");
        }
    }

    /** The Keras class name shown by {@code summary()}. */
    String typeName() {
        return getClass().getSimpleName();
    }
}
