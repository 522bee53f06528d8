package dev.jeras.metrics;

import dev.jeras.Targets;

/** Keras's {@code SparseCategoricalAccuracy}: how often the largest score is at the class index. */
public final class SparseCategoricalAccuracy extends MeanMetric {

    /** Named {@code sparse_categorical_accuracy}. */
    public SparseCategoricalAccuracy() {
        super("sparse_categorical_accuracy");
    }

    @Override
    protected double value(Targets yTrue, float[] pred, int offset, int cols, int r) {
        return argmax(pred, offset, cols) == yTrue.label(r) ? 1 : 0;
    }

    @Override
    public Metric copy() {
        return new SparseCategoricalAccuracy();
    }
}
