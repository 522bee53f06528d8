package dev.jeras.metrics;

import dev.jeras.Targets;

/** Keras's {@code BinaryAccuracy}: how often {@code p > threshold} (0.5) agrees with a 0/1 target, per output value. */
public final class BinaryAccuracy extends MeanMetric {

    private final double threshold;

    /** Threshold 0.5, Keras's default. */
    public BinaryAccuracy() {
        this(0.5);
    }

    /** The given threshold. */
    public BinaryAccuracy(double threshold) {
        super("binary_accuracy");
        this.threshold = threshold;
    }

    @Override
    protected double value(Targets yTrue, float[] pred, int offset, int cols, int r) {
        return correct(yTrue, pred, offset, cols, r, threshold);
    }

    /** The fraction of sample r's values where {@code (p > threshold) == (y > 0.5)}. */
    static double correct(Targets yTrue, float[] pred, int offset, int cols, int r, double threshold) {
        int right = 0;
        for (int j = 0; j < cols; j++) {
            boolean predicted = pred[offset + j] > threshold;
            boolean actual = yTrue.value(r, j) > 0.5f;
            right += predicted == actual ? 1 : 0;
        }
        return (double) right / cols;
    }

    @Override
    public Metric copy() {
        return new BinaryAccuracy(threshold);
    }
}
