package dev.jeras.optimizers.schedules;

/**
 * A learning rate that changes with the optimizer's step, passed where a float learning rate goes,
 * as Keras's {@code keras.optimizers.schedules}: {@link ExponentialDecay}, {@link CosineDecay},
 * {@link PiecewiseConstantDecay}. It is evaluated at the optimizer's iteration count before the step
 * (0 for the first).
 */
public sealed interface LearningRateSchedule permits ExponentialDecay, CosineDecay, PiecewiseConstantDecay {

    /** The learning rate at {@code step}. */
    double at(long step);
}
