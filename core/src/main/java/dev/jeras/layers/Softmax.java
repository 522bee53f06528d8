package dev.jeras.layers;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.Tensor;

/** Softmax over the last axis, as Keras's {@code Softmax} layer: each row becomes probabilities that sum to 1. */
public final class Softmax extends Layer {

    private final Buffer output = new Buffer();
    private final Buffer inputGradient = new Buffer();
    private Tensor lastOutput;

    /** A softmax layer. */
    public Softmax() {
        super("softmax", null);
    }

    @Override
    public Softmax named(String name) {
        super.named(name);
        return this;
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        return inputShape;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor y = output.get(x.rows(), outputShape());
        System.arraycopy(x.array(), x.offset(), y.array(), y.offset(), x.size());
        int cols = lastAxis();
        kernels().softmax(y.array(), y.offset(), x.size() / cols, cols);
        if (training) {
            lastOutput = y;
        }
        return y;
    }

    /** {@code dx = y * (dy - sum(dy * y))} per row, the softmax Jacobian applied to dy. */
    @Override
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        Tensor dx = inputGradient.get(dy.rows(), inputShape());
        float[] y = lastOutput.array();
        float[] g = dy.array();
        float[] out = dx.array();
        int cols = lastAxis();
        for (int r = 0; r < dy.size() / cols; r++) {
            int yRow = lastOutput.offset() + r * cols;
            int gRow = dy.offset() + r * cols;
            int outRow = dx.offset() + r * cols;
            float dot = 0f;
            for (int j = 0; j < cols; j++) {
                dot += g[gRow + j] * y[yRow + j];
            }
            for (int j = 0; j < cols; j++) {
                out[outRow + j] = y[yRow + j] * (g[gRow + j] - dot);
            }
        }
        return dx;
    }

    private int lastAxis() {
        Shape s = outputShape();
        return s.dim(s.rank() - 1);
    }
}
