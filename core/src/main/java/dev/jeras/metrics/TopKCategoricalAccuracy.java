package dev.jeras.metrics;

import dev.jeras.Targets;

/**
 * Keras's {@code TopKCategoricalAccuracy} (one-hot targets) and {@code SparseTopKCategoricalAccuracy}
 * (class indices): how often the true class is among the k largest scores (k 5 by default). As
 * TensorFlow's {@code in_top_k}, classes tied with the k-th score count as in the top k.
 */
public final class TopKCategoricalAccuracy extends MeanMetric {

    private final int k;

    /** k = 5. */
    public TopKCategoricalAccuracy() {
        this(5);
    }

    /** The given k. */
    public TopKCategoricalAccuracy(int k) {
        this(k, "top_k_categorical_accuracy");
    }

    TopKCategoricalAccuracy(int k, String name) {
        super(name);
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, received " + k);
        }
        this.k = k;
    }

    @Override
    protected double value(Targets yTrue, float[] pred, int offset, int cols, int r) {
        float score = pred[offset + CategoricalAccuracy.trueClass(yTrue, r, cols)];
        int higher = 0;
        for (int j = 0; j < cols; j++) {
            if (pred[offset + j] > score) {
                higher++;
            }
        }
        return higher < k ? 1 : 0;
    }

    @Override
    public Metric copy() {
        return new TopKCategoricalAccuracy(k, name());
    }
}
