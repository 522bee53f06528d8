package dev.jeras.callbacks;

import java.util.Locale;
import java.util.Map;

/**
 * Keras's {@code LearningRateScheduler}: before each epoch, sets the learning rate to
 * {@code schedule.apply(epoch, currentRate)}.
 */
public final class LearningRateScheduler extends BaseCallback {

    /** The new learning rate from the epoch (from 0) and the current rate. */
    @FunctionalInterface
    public interface Schedule {
        double apply(int epoch, double learningRate);
    }

    private final Schedule schedule;
    private final int verbose;

    /** Follows {@code schedule}, silently. */
    public LearningRateScheduler(Schedule schedule) {
        this(schedule, 0);
    }

    /** Follows {@code schedule}, printing each change when {@code verbose} is 1. */
    public LearningRateScheduler(Schedule schedule, int verbose) {
        this.schedule = schedule;
        this.verbose = verbose;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        double lr = schedule.apply(epoch, model().optimizer().learningRate());
        if (!Double.isFinite(lr)) {
            throw new IllegalStateException("the learning rate schedule returned " + lr + " for epoch " + epoch);
        }
        model().optimizer().setLearningRate(lr);
        if (verbose > 0) {
            out().printf(Locale.ROOT, "%nEpoch %d: LearningRateScheduler setting learning rate to %s.%n", epoch + 1, pythonRepr(lr));
        }
    }
}
