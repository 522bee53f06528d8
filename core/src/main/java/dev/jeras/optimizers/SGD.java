package dev.jeras.optimizers;

import java.util.List;

import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Parameter;
import dev.jeras.optimizers.schedules.LearningRateSchedule;

/**
 * Keras's {@code SGD}: {@code w -= lr * g}; with momentum, {@code m = momentum * m - lr * g} and
 * {@code w += m}, or with Nesterov {@code w += momentum * m - lr * g}. Keras's defaults: learning
 * rate 0.01, no momentum.
 */
public final class SGD extends Optimizer {

    private final double momentum;
    private final boolean nesterov;
    private float[][] momentums;

    /** Learning rate 0.01, Keras's default. */
    public SGD() {
        this(0.01);
    }

    /** The given learning rate, no momentum. */
    public SGD(double learningRate) {
        this(learningRate, 0, false);
    }

    /** The given learning rate and momentum in [0, 1], with Nesterov's form when {@code nesterov}. */
    public SGD(double learningRate, double momentum, boolean nesterov) {
        this(learningRate, null, momentum, nesterov);
    }

    /** A scheduled learning rate, with momentum and Nesterov as given. */
    public SGD(LearningRateSchedule schedule, double momentum, boolean nesterov) {
        this(0, required(schedule, "SGD"), momentum, nesterov);
    }

    private SGD(double learningRate, LearningRateSchedule schedule, double momentum, boolean nesterov) {
        super(learningRate, schedule, "SGD");
        this.momentum = checkMomentum(momentum);
        this.nesterov = nesterov;
    }

    private static double checkMomentum(double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("SGD momentum must be in [0, 1], received " + momentum);
        }
        return momentum;
    }

    /** The momentum, as given. */
    public double momentum() {
        return momentum;
    }

    /** Whether the update is Nesterov's. */
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public String kerasName() {
        return "SGD";
    }

    @Override
    void createSlots(List<Parameter> parameters) {
        momentums = new float[parameters.size()][];
        for (int i = 0; momentum > 0 && i < parameters.size(); i++) {
            momentums[i] = addSlot(parameters.get(i), 0f);
        }
    }

    @Override
    void update(Kernels kernels, int i, Parameter p, float lr, long t) {
        if (momentum > 0) {
            kernels.sgdMomentum(p.value().array(), p.gradient().array(), momentums[i], p.size(), lr, (float) momentum, nesterov);
        } else {
            kernels.axpy(p.size(), -lr, p.gradient().array(), 0, p.value().array(), 0);
        }
    }
}
