package dev.jeras.metrics;

import dev.jeras.Targets;

/**
 * Keras's {@code "accuracy"} string: chosen by the shapes, as Keras's {@code compile} chooses it:
 * binary accuracy (threshold 0.5) when the model has one output, sparse categorical accuracy for
 * class indices, categorical accuracy for one-hot targets.
 */
public final class Accuracy extends MeanMetric {

    /** Named {@code accuracy}. */
    public Accuracy() {
        this("accuracy");
    }

    Accuracy(String name) {
        super(name);
    }

    @Override
    protected double value(Targets yTrue, float[] pred, int offset, int cols, int r) {
        if (cols == 1) {
            return BinaryAccuracy.correct(yTrue, pred, offset, 1, r, 0.5);
        }
        int predicted = argmax(pred, offset, cols);
        if (yTrue.isSparse()) {
            return predicted == yTrue.label(r) ? 1 : 0;
        }
        return CategoricalAccuracy.trueClass(yTrue, r, cols) == predicted ? 1 : 0;
    }

    @Override
    public Metric copy() {
        return new Accuracy(name());
    }
}
