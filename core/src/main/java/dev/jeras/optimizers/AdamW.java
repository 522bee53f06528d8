package dev.jeras.optimizers;

import dev.jeras.optimizers.schedules.LearningRateSchedule;

/**
 * Keras's {@code AdamW}: Adam with decoupled weight decay, {@code w -= w * weightDecay * lr} before
 * each update; Keras's default decay 0.004.
 */
public final class AdamW extends Adam {

    /** Keras's defaults: learning rate 0.001, weight decay 0.004. */
    public AdamW() {
        this(0.001, 0.004);
    }

    /** The given learning rate and weight decay, Adam's defaults otherwise. */
    public AdamW(double learningRate, double weightDecay) {
        super(learningRate);
        weightDecay(weightDecay);
    }

    /** A scheduled learning rate and the given weight decay. */
    public AdamW(LearningRateSchedule schedule, double weightDecay) {
        super(schedule);
        weightDecay(weightDecay);
    }

    /** Every hyper-parameter given. */
    public AdamW(double learningRate, double weightDecay, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(learningRate, beta1, beta2, epsilon, amsgrad);
        weightDecay(weightDecay);
    }

    /** A scheduled learning rate with every other hyper-parameter given. */
    public AdamW(LearningRateSchedule schedule, double weightDecay, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(schedule, beta1, beta2, epsilon, amsgrad);
        weightDecay(weightDecay);
    }

    @Override
    public String kerasName() {
        return "adamw";
    }
}
