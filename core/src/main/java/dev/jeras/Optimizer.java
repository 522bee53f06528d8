package dev.jeras;

import java.util.List;

import dev.jeras.kernels.Kernels;

/** Updates parameters from their gradients. State (such as Adam's moments) binds to the parameters at the first step. */
public abstract sealed class Optimizer permits Adam, SGD {

    Optimizer() {
    }

    /** Applies one update to every parameter from its current gradient. */
    abstract void step(Kernels kernels, List<Parameter> parameters);

    /** Number of steps applied so far. */
    public abstract long iterations();
}
