package dev.jeras.layers;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.activations.Activation;

/** Applies an activation to its input, as Keras's {@code layers.Activation("relu")}; softmax over the last axis. */
public final class ActivationLayer extends Layer {

    private final Activation activation;
    private final Buffer output = new Buffer();
    private Tensor lastInput;
    private Tensor lastOutput;

    /** A layer applying {@code activation}. */
    public ActivationLayer(Activation activation) {
        super("activation", null);
        if (activation == null) {
            throw new IllegalArgumentException("an ActivationLayer needs an activation, such as Activation.RELU");
        }
        this.activation = activation;
    }

    @Override
    public ActivationLayer named(String name) {
        super.named(name);
        return this;
    }

    /** The activation applied. */
    public Activation activation() {
        return activation;
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        return inputShape;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor y = output.get(x.rows(), outputShape());
        int cols = lastAxis();
        activation.forward(x.array(), x.offset(), y.array(), y.offset(), x.size() / cols, cols);
        if (training) {
            lastInput = x;
            lastOutput = y;
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        int cols = lastAxis();
        activation.backward(dy.array(), dy.offset(), lastInput.array(), lastInput.offset(), lastOutput.array(), lastOutput.offset(),
                dy.size() / cols, cols);
        return dy;
    }

    private int lastAxis() {
        Shape s = outputShape();
        return s.dim(s.rank() - 1);
    }

    @Override
    public String typeName() {
        return "Activation";
    }
}
