package dev.jeras.layers;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.initializers.Initializer;
import dev.jeras.regularizers.Regularizer;

/**
 * A fully connected layer: {@code y = activation(x . kernel + bias)} with a kernel of shape
 * {@code (inputs, units)}, initialised glorot-uniform, and a zero bias, as Keras's {@code Dense}.
 * ReLU and linear are fused into the kernels' bias pass; other activations keep the pre-activation
 * for the backward pass.
 */
public final class Dense extends Layer {

    private final int units;
    private final Activation activation;
    private final boolean useBias;
    private Initializer kernelInitializer = Initializer.glorotUniform();
    private Initializer biasInitializer = Initializer.zeros();
    private Regularizer kernelRegularizer;
    private Parameter kernel;
    private Parameter bias;
    /** Zeros standing in for the bias of a layer without one, so that ReLU fuses the same way. */
    private float[] noBias;
    private final Buffer output = new Buffer();
    /** The pre-activation x . kernel + bias, kept for activations other than ReLU and linear. */
    private final Buffer preActivation = new Buffer();
    private final Buffer inputGradient = new Buffer();
    private Tensor lastInput;
    private Tensor lastPreActivation;
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

    /** Penalises the kernel (Keras's {@code kernel_regularizer}); only before the layer is built. */
    public Dense kernelRegularizer(Regularizer regularizer) {
        if (isBuilt()) {
            throw new IllegalStateException("layer " + name() + " is already built: set its regularizer before its first use");
        }
        this.kernelRegularizer = regularizer;
        return this;
    }

    /** The kernel's penalty, or null. */
    public Regularizer kernelRegularizer() {
        return kernelRegularizer;
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
        kernel = addWeight("kernel", Shape.of(inputShape.dim(0), units), kernelInitializer, true, kernelRegularizer);
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
        boolean fused = activation == Activation.RELU || activation == Activation.LINEAR;
        Tensor z = fused ? output.get(rows, outputShape()) : preActivation.get(rows, outputShape());
        kernels().sgemm(false, false, rows, units, inputs,
                1f, x.array(), x.offset(), inputs,
                kernel.value().array(), 0, units,
                0f, z.array(), z.offset(), units);
        if (useBias || activation == Activation.RELU) {
            kernels().addBias(z.array(), z.offset(), rows, units, useBias ? bias.value().array() : noBias,
                    activation == Activation.RELU);
        }
        Tensor y = z;
        if (!fused) {
            y = output.get(rows, outputShape());
            activation.forward(z.array(), z.offset(), y.array(), y.offset(), rows, units);
        }
        if (training) {
            lastInput = x;
            lastPreActivation = z;
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
        } else if (activation != Activation.LINEAR) {
            activation.backward(dy.array(), dy.offset(), lastPreActivation.array(), lastPreActivation.offset(),
                    lastOutput.array(), lastOutput.offset(), rows, units);
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
