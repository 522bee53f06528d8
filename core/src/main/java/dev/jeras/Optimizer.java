package dev.jeras;

import java.util.List;

import dev.jeras.kernels.Kernels;

/**
 * Updates parameters from their gradients. State (such as Adam's moments) binds to the parameters at
 * the first step, or when a saved model's state is loaded.
 */
public abstract sealed class Optimizer permits Adam, SGD {

    Optimizer() {
    }

    /** Applies one update to every parameter from its current gradient. */
    abstract void step(Kernels kernels, List<Parameter> parameters);

    /** Number of steps applied so far. */
    public abstract long iterations();

    /** The learning rate the next step uses (Keras's {@code learning_rate} variable). */
    public abstract float learningRate();

    /** Keras's default name of this optimizer, as in a model file: {@code adam}, {@code SGD}. */
    abstract String kerasName();

    /** State arrays per parameter (Adam: 2, its moments; plain SGD: none). */
    abstract int slotsPerParameter();

    /**
     * The state after {@code iterations} and {@code learningRate}, in Keras's order of its variables:
     * for each parameter, its {@link #slotsPerParameter()} arrays (Adam: momentum, then velocity).
     * Live arrays, empty before the first step; for saving.
     */
    abstract List<float[]> slots();

    /**
     * Copies of the optimizer's state variables, shaped like the parameters they belong to, in
     * Keras's order (its {@code optimizer.variables} after {@code iterations} and
     * {@code learning_rate}): Adam's momentum and velocity of each trainable weight in turn. Empty
     * before the first step.
     */
    public final List<Tensor> slotVariables() {
        List<float[]> slots = slots();
        List<Tensor> copies = new java.util.ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            copies.add(Tensor.of(slots.get(i), slotShape(i).dims()));
        }
        return copies;
    }

    /** The shape of slot {@code i}: that of the parameter it belongs to. */
    abstract Shape slotShape(int i);

    /**
     * Takes up saved state: binds to {@code parameters} with {@code slots} (as {@link #slots()} orders
     * them, shapes already checked, copied). For loading; the next step continues where the saved one stopped.
     */
    abstract void restore(List<Parameter> parameters, long iterations, float learningRate, List<float[]> slots);
}
