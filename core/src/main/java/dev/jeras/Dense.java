package dev.jeras;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer: {@code y = activation(x . kernel + bias)} with a kernel of shape
 * {@code (inputs, units)} initialised glorot-uniform and a zero bias, as Keras's {@code Dense}.
 */
public final class Dense extends Layer {

    private final int units;
    private final Activation activation;
    private Parameter kernel;
    private Parameter bias;
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
        super("dense", null);
        if (units <= 0) {
            throw new IllegalArgumentException("Dense units must be a positive integer, received " + units);
        }
        if (activation == null) {
            throw new IllegalArgumentException("Dense activation must not be null; use Activation.LINEAR for none");
        }
        this.units = units;
        this.activation = activation;
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        if (inputShape.rank() != 1) {
            throw new IllegalArgumentException("Dense expects flat samples such as (None, 784), received "
                    + inputShape.toBatchString() + ": put a Flatten layer before it");
        }
        int inputs = inputShape.dim(0);
        kernel = new Parameter(name() + "/kernel", Shape.of(inputs, units));
        bias = new Parameter(name() + "/bias", Shape.of(units));
        glorotUniform(kernel.value().array(), inputs, units, rng);
        return Shape.of(units);
    }

    /** Keras's glorot_uniform: U(-limit, limit) with {@code limit = sqrt(6 / (fanIn + fanOut))}. */
    private static void glorotUniform(float[] w, int fanIn, int fanOut, RandomGenerator rng) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextDouble(-limit, limit);
        }
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
        kernels().addBias(y.array(), y.offset(), rows, units, bias.value().array(), activation == Activation.RELU);
        lastInput = x;
        lastOutput = y;
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
        kernels().columnSums(dy.array(), dy.offset(), rows, units, bias.gradient().array());
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

    @Override
    public List<Parameter> parameters() {
        return isBuilt() ? List.of(kernel, bias) : List.of();
    }

    /** The number of outputs. */
    public int units() {
        return units;
    }

    /** The activation applied after the affine map. */
    public Activation activation() {
        return activation;
    }
}
