package dev.jeras.layers;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.Tensor;

/**
 * Inverted dropout, as Keras's {@code Dropout}: in training each value is zeroed with probability
 * {@code rate} and the survivors are scaled by {@code 1 / (1 - rate)}; outside training it is the
 * identity. Each training step draws one seed from a generator split off the model's seed, and the
 * kernels hash (seed, index) into the mask: as random as drawing per element, and any part of the
 * mask can be computed on its own, so the work splits between threads.
 */
public final class Dropout extends Layer {

    private final float rate;
    /** The rate as given, for the model file (Keras writes 0.2, not 0.2f's 0.20000000298023224). */
    private final double rateGiven;
    private RandomGenerator rng;
    private final Buffer output = new Buffer();
    private float[] mask = new float[0];
    private boolean maskFixed;
    private boolean lastWasTraining;

    /** A dropout of the given rate, in [0, 1). */
    public Dropout(double rate) {
        super("dropout", null);
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout rate must be in [0, 1), received " + rate);
        }
        this.rate = (float) rate;
        this.rateGiven = rate;
    }

    @Override
    public Dropout named(String name) {
        super.named(name);
        return this;
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        this.rng = rng instanceof RandomGenerator.SplittableGenerator s ? s.split() : rng;
        return inputShape;
    }

    @Override
    public void reseed(RandomGenerator rng) {
        requireBuilt();
        this.rng = rng instanceof RandomGenerator.SplittableGenerator s ? s.split() : rng;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (!training) {
            return x; // writes no field: inference may run on many threads
        }
        lastWasTraining = rate > 0f;
        if (!lastWasTraining) {
            return x;
        }
        int n = x.size();
        Tensor y = output.get(x.rows(), outputShape());
        if (maskFixed) {
            kernels().multiply(x.array(), x.offset(), mask, 0, y.array(), y.offset(), n);
            return y;
        }
        if (mask.length < n) {
            mask = new float[n];
        }
        // One seed per step from the layer's generator; the kernel hashes (seed, index) into the mask.
        kernels().dropout(x.array(), x.offset(), y.array(), y.offset(), mask, n, rate, rng.nextLong());
        return y;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        if (lastWasTraining) {
            kernels().multiply(dy.array(), dy.offset(), mask, 0, dy.array(), dy.offset(), dy.size());
        }
        return dy;
    }

    /** Uses {@code fixedMask} in every training pass from now on (for gradient checks). */
    void fixMask(float[] fixedMask) {
        this.mask = fixedMask.clone();
        this.maskFixed = true;
    }

    /** The fraction of values dropped in training. */
    public double rate() {
        return rateGiven;
    }
}
