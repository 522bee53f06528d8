package dev.jeras;

import java.util.random.RandomGenerator;

/**
 * A fully connected layer: {@code y = activation(x . kernel + bias)} with a kernel of shape
 * {@code (inputs, units)}, initialised glorot-uniform, and a zero bias, as Keras's {@code Dense}.
 */
public final class Dense extends Layer {

    private final int units;
    private final Activation activation;
    private final boolean useBias;
    private Initializer kernelInitializer = Initializer.glorotUniform();
    private Initializer biasInitializer = Initializer.zeros();
    private Parameter kernel;
    private Parameter bias;
    /** Zeros standing in for the bias of a layer without one, so that ReLU fuses the same way. */
    private float[] noBias;
    private final Buffer output = new Buffer();
    private final Buffer inputGradient = new Buffer();
    private Tensor lastInput;
    private Tensor lastOutput;

    /** A linear layer of {@code units} outputs (logits). */
    public Dense(int units) {
        this(units, Activation.LINEAR);
    }

    /** A layer of {@code units} outputs followed by {@code activation}. */
    public Dense(int units, Activation activation) {
        this(units, activation, true);
    }

    /** A layer of {@code units} outputs followed by {@code activation}, with a bias unless {@code useBias} is false. */
    public Dense(int units, Activation activation, boolean useBias) {
        super("dense", null);
        if (units <= 0) {
            throw new IllegalArgumentException("Dense units must be a positive integer, received " + units);
        }
        if (activation == null) {
            throw new IllegalArgumentException("Dense activation must not be null; use Activation.LINEAR for none");
        }
        this.units = units;
        this.activation = activation;
        this.useBias = useBias;
    }

    @Override
    public Dense named(String name) {
        super.named(name);
        return this;
    }

    /** Initialises the kernel with {@code initializer} (default glorot-uniform); only before the layer is built. */
    public Dense kernelInitializer(Initializer initializer) {
        this.kernelInitializer = checkInitializer(initializer);
        return this;
    }

    /** Initialises the bias with {@code initializer} (default zeros); only before the layer is built. */
    public Dense biasInitializer(Initializer initializer) {
        this.biasInitializer = checkInitializer(initializer);
        return this;
    }

    private Initializer checkInitializer(Initializer initializer) {
        if (initializer == null) {
            throw new IllegalArgumentException("layer " + name() + ": an initializer must not be null");
        }
        if (isBuilt()) {
            throw new IllegalStateException("layer " + name() + " is already built: set its initializers before its first use");
        }
        return initializer;
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        if (inputShape.rank() != 1) {
            throw new IllegalArgumentException("Dense expects flat samples such as (None, 784), received "
                    + inputShape.toBatchString() + ": put a Flatten layer before it");
        }
        kernel = addWeight("kernel", Shape.of(inputShape.dim(0), units), kernelInitializer);
        if (useBias) {
            bias = addWeight("bias", Shape.of(units), biasInitializer);
        } else {
            noBias = new float[units];
        }
        return Shape.of(units);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int rows = x.rows();
        int inputs = inputShape().dim(0);
        Tensor y = output.get(rows, outputShape());
        kernels().sgemm(false, false, rows, units, inputs,
                1f, x.array(), x.offset(), inputs,
                kernel.value().array(), 0, units,
                0f, y.array(), y.offset(), units);
        if (useBias || activation == Activation.RELU) {
            kernels().addBias(y.array(), y.offset(), rows, units, useBias ? bias.value().array() : noBias,
                    activation == Activation.RELU);
        }
        if (training) {
            lastInput = x;
            lastOutput = y;
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        int rows = dy.rows();
        int inputs = inputShape().dim(0);
        if (activation == Activation.RELU) {
            kernels().reluBackward(dy.array(), dy.offset(), lastOutput.array(), lastOutput.offset(), rows * units);
        }
        // dKernel = x^T . dy
        kernels().sgemm(true, false, inputs, units, rows,
                1f, lastInput.array(), lastInput.offset(), inputs,
                dy.array(), dy.offset(), units,
                0f, kernel.gradient().array(), 0, units);
        if (useBias) {
            kernels().columnSums(dy.array(), dy.offset(), rows, units, bias.gradient().array());
        }
        if (!needInputGradient) {
            return null;
        }
        // dx = dy . kernel^T
        Tensor dx = inputGradient.get(rows, inputShape());
        kernels().sgemm(false, true, rows, inputs, units,
                1f, dy.array(), dy.offset(), units,
                kernel.value().array(), 0, units,
                0f, dx.array(), dx.offset(), inputs);
        return dx;
    }

    /** The number of outputs. */
    public int units() {
        return units;
    }

    /** The activation applied after the affine map. */
    public Activation activation() {
        return activation;
    }

    /** Whether the layer adds a bias. */
    public boolean useBias() {
        return useBias;
    }

    /** How the kernel is initialised. */
    public Initializer kernelInitializer() {
        return kernelInitializer;
    }

    /** How the bias is initialised. */
    public Initializer biasInitializer() {
        return biasInitializer;
    }
}
