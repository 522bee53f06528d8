package dev.jeras.optimizers;

import java.util.List;

import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Parameter;
import dev.jeras.optimizers.schedules.LearningRateSchedule;

/**
 * Keras's {@code Adagrad}: {@code acc += g^2}, {@code w -= lr g / sqrt(acc + epsilon)}, the
 * accumulators starting at 0.1. Keras's defaults: learning rate 0.001, epsilon 1e-7.
 */
public final class Adagrad extends Optimizer {

    private final double initialAccumulator;
    private final double epsilon;
    private float[][] accumulators;

    /** Keras's defaults. */
    public Adagrad() {
        this(0.001);
    }

    /** The given learning rate, Keras's defaults otherwise. */
    public Adagrad(double learningRate) {
        this(learningRate, 0.1, 1e-7);
    }

    /** Every hyper-parameter given. */
    public Adagrad(double learningRate, double initialAccumulatorValue, double epsilon) {
        this(learningRate, null, initialAccumulatorValue, epsilon);
    }

    /** A scheduled learning rate, Keras's defaults otherwise. */
    public Adagrad(LearningRateSchedule schedule) {
        this(schedule, 0.1, 1e-7);
    }

    /** A scheduled learning rate with the other hyper-parameters given. */
    public Adagrad(LearningRateSchedule schedule, double initialAccumulatorValue, double epsilon) {
        this(0, required(schedule, "Adagrad"), initialAccumulatorValue, epsilon);
    }

    private Adagrad(double learningRate, LearningRateSchedule schedule, double initialAccumulatorValue, double epsilon) {
        super(learningRate, schedule, "Adagrad");
        this.initialAccumulator = initialAccumulatorValue;
        this.epsilon = epsilon;
        check();
    }

    private void check() {
        if (!(initialAccumulator >= 0) || !(epsilon > 0)) {
            throw new IllegalArgumentException("Adagrad needs a non-negative initial accumulator and a positive epsilon, received "
                    + initialAccumulator + ", " + epsilon);
        }
    }

    public double initialAccumulatorValue() {
        return initialAccumulator;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public String kerasName() {
        return "adagrad";
    }

    @Override
    void createSlots(List<Parameter> parameters) {
        accumulators = new float[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            accumulators[i] = addSlot(parameters.get(i), (float) initialAccumulator);
        }
    }

    @Override
    void update(Kernels kernels, int i, Parameter p, float lr, long t) {
        kernels.adagrad(p.value().array(), p.gradient().array(), accumulators[i], p.size(), lr, (float) epsilon);
    }
}
