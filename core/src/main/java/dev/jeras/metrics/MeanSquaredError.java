package dev.jeras.metrics;

import dev.jeras.Targets;

/** Keras's {@code MeanSquaredError} metric ({@code "mse"}): the mean of {@code (y - p)^2}. */
public final class MeanSquaredError extends MeanMetric {

    /** Named {@code mean_squared_error}. */
    public MeanSquaredError() {
        this("mean_squared_error");
    }

    MeanSquaredError(String name) {
        super(name);
    }

    @Override
    protected double value(Targets yTrue, float[] pred, int offset, int cols, int r) {
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            double e = yTrue.value(r, j) - (double) pred[offset + j];
            sum += e * e;
        }
        return sum / cols;
    }

    @Override
    public Metric copy() {
        return new MeanSquaredError(name());
    }
}
