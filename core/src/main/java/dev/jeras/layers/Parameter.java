package dev.jeras.layers;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.regularizers.Regularizer;

/**
 * A weight of a layer, created by {@link Layer#addWeight}: its value and, when it is trainable, the
 * gradient the last backward pass left for it. A non-trainable weight (Keras's
 * {@code trainable=False}, such as a moving mean) is saved and loaded but never touched by an optimizer.
 */
public final class Parameter {

    private final String name;
    private final Tensor value;
    private final Tensor gradient;
    private final Regularizer regularizer;

    Parameter(String name, Shape shape, boolean trainable, Regularizer regularizer) {
        this.name = name;
        this.value = Tensor.wrap(new float[shape.size()], 0, shape);
        this.gradient = trainable ? Tensor.wrap(new float[shape.size()], 0, shape) : null;
        this.regularizer = regularizer;
    }

    /** A free-standing trainable weight of {@code shape}, zeros, with no layer: for using an optimizer on its own. */
    public static Parameter of(String name, Shape shape) {
        return new Parameter(name, shape, true, null);
    }

    /** The layer-qualified name, for example {@code dense/kernel}. */
    public String name() {
        return name;
    }

    /** The current value; optimizers update it in place. */
    public Tensor value() {
        return value;
    }

    /** The gradient of the loss with respect to the value, from the last backward pass; null when not trainable. */
    public Tensor gradient() {
        return gradient;
    }

    /** The penalty training adds to the loss for this weight, or null. */
    public Regularizer regularizer() {
        return regularizer;
    }

    /** Whether optimizers update this weight. */
    public boolean trainable() {
        return gradient != null;
    }

    /** The shape of the value. */
    public Shape shape() {
        return value.shape();
    }

    /** The number of elements. */
    public int size() {
        return value.size();
    }
}
