package dev.jeras;

/** A trainable weight of a layer: its value and the gradient the last backward pass left for it. */
public final class Parameter {

    private final String name;
    private final Tensor value;
    private final Tensor gradient;

    Parameter(String name, Shape shape) {
        this.name = name;
        this.value = Tensor.wrap(new float[shape.size()], 0, shape);
        this.gradient = Tensor.wrap(new float[shape.size()], 0, shape);
    }

    /** The layer-qualified name, for example {@code dense/kernel}. */
    public String name() {
        return name;
    }

    /** The current value; optimizers update it in place. */
    public Tensor value() {
        return value;
    }

    /** The gradient of the loss with respect to the value, from the last backward pass. */
    public Tensor gradient() {
        return gradient;
    }

    /** The number of elements. */
    public int size() {
        return value.size();
    }
}
