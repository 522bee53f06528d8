package dev.jeras.layers;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.Tensor;

/** {@code y = x * scale + offset}, as Keras's {@code Rescaling} (for example {@code new Rescaling(1 / 255.0)} for pixels). */
public final class Rescaling extends Layer {

    private final double scale;
    private final double offset;
    private final Buffer output = new Buffer();
    private final Buffer inputGradient = new Buffer();

    /** Multiplies by {@code scale}. */
    public Rescaling(double scale) {
        this(scale, 0);
    }

    /** Multiplies by {@code scale}, then adds {@code offset}. */
    public Rescaling(double scale, double offset) {
        super("rescaling", null);
        if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
            throw new IllegalArgumentException("Rescaling needs a finite scale and offset, received " + scale + ", " + offset);
        }
        this.scale = scale;
        this.offset = offset;
    }

    @Override
    public Rescaling named(String name) {
        super.named(name);
        return this;
    }

    /** The factor, as given. */
    public double scale() {
        return scale;
    }

    /** The offset, as given. */
    public double offset() {
        return offset;
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        return inputShape;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor y = output.get(x.rows(), outputShape());
        float s = (float) scale;
        float o = (float) offset;
        float[] in = x.array();
        float[] out = y.array();
        for (int i = 0; i < x.size(); i++) {
            out[y.offset() + i] = in[x.offset() + i] * s + o;
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        Tensor dx = inputGradient.get(dy.rows(), inputShape());
        float s = (float) scale;
        for (int i = 0; i < dy.size(); i++) {
            dx.array()[dx.offset() + i] = dy.array()[dy.offset() + i] * s;
        }
        return dx;
    }
}
