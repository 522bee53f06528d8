package dev.jeras.metrics;

import dev.jeras.Targets;

/** Keras's {@code MeanAbsoluteError} metric ({@code "mae"}): the mean of {@code |y - p|}. */
public final class MeanAbsoluteError extends MeanMetric {

    /** Named {@code mean_absolute_error}. */
    public MeanAbsoluteError() {
        this("mean_absolute_error");
    }

    MeanAbsoluteError(String name) {
        super(name);
    }

    @Override
    protected double value(Targets yTrue, float[] pred, int offset, int cols, int r) {
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            sum += Math.abs(yTrue.value(r, j) - (double) pred[offset + j]);
        }
        return sum / cols;
    }

    @Override
    public Metric copy() {
        return new MeanAbsoluteError(name());
    }
}
