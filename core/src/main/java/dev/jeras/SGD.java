package dev.jeras;

import java.util.List;

import dev.jeras.kernels.Kernels;

/** Plain stochastic gradient descent, {@code w -= learningRate * g}: Keras's {@code SGD} without momentum. */
public final class SGD extends Optimizer {

    private float learningRate;
    private long iterations;

    /** SGD with Keras's default learning rate, 0.01. */
    public SGD() {
        this(0.01);
    }

    /** SGD with the given learning rate. */
    public SGD(double learningRate) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("SGD learning rate must be positive, received " + learningRate);
        }
        this.learningRate = (float) learningRate;
    }

    @Override
    void step(Kernels kernels, List<Parameter> parameters) {
        iterations++;
        for (Parameter p : parameters) {
            kernels.axpy(p.size(), -learningRate, p.gradient().array(), 0, p.value().array(), 0);
        }
    }

    @Override
    public long iterations() {
        return iterations;
    }

    @Override
    public float learningRate() {
        return learningRate;
    }

    @Override
    String kerasName() {
        return "SGD";
    }

    @Override
    int slotsPerParameter() {
        return 0;
    }

    @Override
    List<float[]> slots() {
        return List.of();
    }

    @Override
    Shape slotShape(int i) {
        throw new IndexOutOfBoundsException("plain SGD keeps no state per weight");
    }

    @Override
    void restore(List<Parameter> parameters, long iterations, float learningRate, List<float[]> slots) {
        this.iterations = iterations;
        this.learningRate = learningRate;
    }
}
