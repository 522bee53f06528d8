package dev.jeras.layers;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.Tensor;

/**
 * The shape of a model's samples, as Keras's {@code keras.Input(shape=(28, 28))}: given first to a
 * {@code Sequential}, it fixes the input shape and is not itself one of the model's layers (Keras
 * saves it as the model's {@code InputLayer}).
 */
public final class Input extends Layer {

    /** Samples of this shape, without the batch dimension. */
    public Input(int... shape) {
        super("input_layer", Shape.of(shape));
        if (shape.length == 0) {
            throw new IllegalArgumentException("Input needs the shape of one sample, such as new Input(28, 28)");
        }
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("Input's dimensions must be positive, received " + java.util.Arrays.toString(shape));
            }
        }
    }

    /** The shape of one sample. */
    public Shape shape() {
        return declaredInputShape();
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        return inputShape;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return x;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        return needInputGradient ? dy : null;
    }

    @Override
    public String typeName() {
        return "InputLayer";
    }
}
