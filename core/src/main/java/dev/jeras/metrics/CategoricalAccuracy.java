package dev.jeras.metrics;

import dev.jeras.Targets;

/** Keras's {@code CategoricalAccuracy}: how often the largest score is where the one-hot target is largest. */
public final class CategoricalAccuracy extends MeanMetric {

    /** Named {@code categorical_accuracy}. */
    public CategoricalAccuracy() {
        super("categorical_accuracy");
    }

    @Override
    protected double value(Targets yTrue, float[] pred, int offset, int cols, int r) {
        return argmax(pred, offset, cols) == trueClass(yTrue, r, cols) ? 1 : 0;
    }

    /** The index of sample r's largest target value (its class, for one-hot targets). */
    static int trueClass(Targets yTrue, int r, int cols) {
        if (yTrue.isSparse()) {
            return yTrue.label(r);
        }
        int best = 0;
        for (int j = 1; j < cols; j++) {
            if (yTrue.value(r, j) > yTrue.value(r, best)) {
                best = j;
            }
        }
        return best;
    }

    @Override
    public Metric copy() {
        return new CategoricalAccuracy();
    }
}
