package dev.jeras.layers;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.Tensor;

/** Flattens each sample to one dimension, as Keras's {@code Flatten}; a view, nothing is copied. */
public final class Flatten extends Layer {

    private Tensor lastInput;
    private Tensor lastOutput;
    private Tensor lastGradient;
    private Tensor lastInputGradient;

    /** A Flatten whose input shape is learnt from the first batch. */
    public Flatten() {
        super("flatten", null);
    }

    /** A Flatten that declares the model's input shape per sample, as Keras's {@code Flatten(input_shape=(28, 28))}. */
    public Flatten(int... inputShape) {
        super("flatten", Shape.of(inputShape));
        if (inputShape.length == 0) {
            throw new IllegalArgumentException("Flatten's input shape needs at least one dimension, such as new Flatten(28, 28)");
        }
        for (int d : inputShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("Flatten's input shape must have positive dimensions, received "
                        + java.util.Arrays.toString(inputShape));
            }
        }
    }

    @Override
    public Flatten named(String name) {
        super.named(name);
        return this;
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        if (inputShape.size() == 0) {
            throw new IllegalArgumentException("Flatten received samples of shape " + inputShape.toBatchString()
                    + ", which hold no values; every dimension must be positive");
        }
        return Shape.of(inputShape.size());
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (!training) {
            return x.reshape(x.rows(), outputShape().dim(0)); // writes no field: inference may run on many threads
        }
        // Training passes the same batch tensor every step: reuse its view instead of allocating one.
        if (x != lastInput) {
            lastInput = x;
            lastOutput = x.reshape(x.rows(), outputShape().dim(0));
        }
        return lastOutput;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        if (dy != lastGradient) {
            lastGradient = dy;
            lastInputGradient = dy.reshape(inputShape().withBatch(dy.rows()).dims());
        }
        return lastInputGradient;
    }
}
