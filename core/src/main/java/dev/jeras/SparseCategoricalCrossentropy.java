package dev.jeras;

import dev.jeras.kernels.Kernels;

/**
 * Cross-entropy between integer labels and predicted class scores, as Keras's
 * {@code SparseCategoricalCrossentropy}. From logits it is computed through a stable log-softmax
 * (max subtracted); from probabilities Keras's way: rows renormalised, clipped to
 * {@code [1e-7, 1 - 1e-7]}, then {@code -log}.
 */
public final class SparseCategoricalCrossentropy extends Loss {

    /** Keras's backend epsilon, the clip applied to probabilities. */
    static final float EPSILON = 1e-7f;

    private final boolean fromLogits;

    /** A loss over probabilities (Keras's default, {@code from_logits=False}). */
    public SparseCategoricalCrossentropy() {
        this(false);
    }

    /** A loss over logits when {@code fromLogits}, otherwise over probabilities. */
    public SparseCategoricalCrossentropy(boolean fromLogits) {
        this.fromLogits = fromLogits;
    }

    /** Whether predictions are logits rather than probabilities. */
    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    double sum(Kernels kernels, Tensor yPred, int[] labels, int labelOff, Tensor grad, float gradScale) {
        int rows = yPred.rows();
        int cols = yPred.shape().dim(1);
        if (fromLogits) {
            return kernels.softmaxCrossEntropy(yPred.array(), yPred.offset(), rows, cols, labels, labelOff,
                    grad == null ? null : grad.array(), grad == null ? 0 : grad.offset(), gradScale);
        }
        return probabilitiesSum(yPred, labels, labelOff, grad, gradScale);
    }

    /**
     * {@code -log(clip(p[label] / sum(p)))} per row. Its gradient is {@code 1/sum(p) - [j == label] / p[label]},
     * and 0 where the clip is active, as the clip's gradient is.
     */
    private static double probabilitiesSum(Tensor yPred, int[] labels, int labelOff, Tensor grad, float gradScale) {
        int rows = yPred.rows();
        int cols = yPred.shape().dim(1);
        float[] p = yPred.array();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int row = yPred.offset() + r * cols;
            int label = labels[labelOff + r];
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                sum += p[row + j];
            }
            float q = p[row + label] / sum;
            float clipped = Math.min(Math.max(q, EPSILON), 1f - EPSILON);
            total += -Math.log(clipped);
            if (grad != null) {
                boolean active = clipped == q;
                int g = grad.offset() + r * cols;
                for (int j = 0; j < cols; j++) {
                    float d = 1f / sum - (j == label ? 1f / p[row + label] : 0f);
                    grad.array()[g + j] = active ? d * gradScale : 0f;
                }
            }
        }
        return total;
    }
}
