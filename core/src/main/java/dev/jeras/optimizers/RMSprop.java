package dev.jeras.optimizers;

import java.util.List;

import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Parameter;
import dev.jeras.optimizers.schedules.LearningRateSchedule;

/**
 * Keras's {@code RMSprop}: {@code v = rho v + (1 - rho) g^2}, {@code w -= lr g / sqrt(v + epsilon)};
 * centered, the mean gradient's square is taken off {@code v}; with momentum the increments
 * accumulate. Keras's defaults: learning rate 0.001, rho 0.9, momentum 0, epsilon 1e-7, not centered.
 */
public final class RMSprop extends Optimizer {

    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;
    private float[][] velocities;
    private float[][] momentums;
    private float[][] averages;

    /** Keras's defaults. */
    public RMSprop() {
        this(0.001);
    }

    /** The given learning rate, Keras's defaults otherwise. */
    public RMSprop(double learningRate) {
        this(learningRate, 0.9, 0, 1e-7, false);
    }

    /** Every hyper-parameter given. */
    public RMSprop(double learningRate, double rho, double momentum, double epsilon, boolean centered) {
        this(learningRate, null, rho, momentum, epsilon, centered);
    }

    /** A scheduled learning rate, Keras's defaults otherwise. */
    public RMSprop(LearningRateSchedule schedule) {
        this(schedule, 0.9, 0, 1e-7, false);
    }

    /** A scheduled learning rate with every other hyper-parameter given. */
    public RMSprop(LearningRateSchedule schedule, double rho, double momentum, double epsilon, boolean centered) {
        this(0, required(schedule, "RMSprop"), rho, momentum, epsilon, centered);
    }

    private RMSprop(double learningRate, LearningRateSchedule schedule, double rho, double momentum, double epsilon,
                    boolean centered) {
        super(learningRate, schedule, "RMSprop");
        this.rho = rho;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.centered = centered;
        check();
    }

    private void check() {
        if (!(rho >= 0 && rho < 1) || !(momentum >= 0 && momentum <= 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("RMSprop needs rho in [0, 1), momentum in [0, 1] and a positive epsilon, received rho="
                    + rho + ", momentum=" + momentum + ", epsilon=" + epsilon);
        }
    }

    public double rho() {
        return rho;
    }

    public double momentum() {
        return momentum;
    }

    public double epsilon() {
        return epsilon;
    }

    public boolean centered() {
        return centered;
    }

    @Override
    public String kerasName() {
        return "rmsprop";
    }

    /** Keras's order: every velocity, then every momentum (momentum above 0), then every mean gradient (centered). */
    @Override
    void createSlots(List<Parameter> parameters) {
        int n = parameters.size();
        velocities = new float[n][];
        momentums = new float[n][];
        averages = new float[n][];
        for (int i = 0; i < n; i++) {
            velocities[i] = addSlot(parameters.get(i), 0f);
        }
        for (int i = 0; momentum > 0 && i < n; i++) {
            momentums[i] = addSlot(parameters.get(i), 0f);
        }
        for (int i = 0; centered && i < n; i++) {
            averages[i] = addSlot(parameters.get(i), 0f);
        }
    }

    @Override
    void update(Kernels kernels, int i, Parameter p, float lr, long t) {
        kernels.rmsprop(p.value().array(), p.gradient().array(), velocities[i], momentums[i], averages[i], p.size(),
                lr, (float) rho, (float) momentum, (float) epsilon);
    }
}
