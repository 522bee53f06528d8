package dev.jeras.losses;

import dev.jeras.Shape;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.kernels.Kernels;

/**
 * Cross-entropy between integer class labels and predicted class scores, as Keras's
 * {@code SparseCategoricalCrossentropy}. From logits it is computed through a stable log-softmax
 * (max subtracted, fused with its gradient in the kernels); from probabilities Keras's way: rows
 * renormalised, clipped to {@code [1e-7, 1 - 1e-7]}, then {@code -log}.
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
        super("sparse_categorical_crossentropy");
        this.fromLogits = fromLogits;
    }

    /** Whether predictions are logits rather than probabilities. */
    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public void check(Targets yTrue, Shape output) {
        if (!yTrue.isSparse()) {
            throw new IllegalArgumentException("sparse_categorical_crossentropy takes class indices (a UInt8Tensor or IntTensor); "
                    + "for one-hot float targets use CategoricalCrossentropy");
        }
        yTrue.checkAgainst(output, name());
    }

    @Override
    public double sum(Kernels kernels, Tensor yPred, Targets yTrue, float[] weights, Tensor grad, float gradScale) {
        int rows = yPred.rows();
        int cols = yPred.size() / rows;
        if (fromLogits && weights == null) {
            return kernels.softmaxCrossEntropy(yPred.array(), yPred.offset(), rows, cols, yTrue.labels(), 0,
                    grad == null ? null : grad.array(), grad == null ? 0 : grad.offset(), gradScale);
        }
        float[] p = yPred.array();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int row = yPred.offset() + r * cols;
            int label = yTrue.label(r);
            float w = weight(weights, r);
            if (fromLogits) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, p[row + j]);
                }
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    sum += Math.exp(p[row + j] - max);
                }
                total += w * (Math.log(sum) + max - p[row + label]);
                if (grad != null) {
                    int g = grad.offset() + r * cols;
                    for (int j = 0; j < cols; j++) {
                        double softmax = Math.exp(p[row + j] - max) / sum;
                        grad.array()[g + j] = (float) ((softmax - (j == label ? 1 : 0)) * w * gradScale);
                    }
                }
                continue;
            }
            // -log(clip(p[label] / sum(p))); its gradient is 1/sum(p) - [j == label] / p[label], and 0 where the clip is active.
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                sum += p[row + j];
            }
            float q = p[row + label] / sum;
            float clipped = Math.min(Math.max(q, EPSILON), 1f - EPSILON);
            total += w * -Math.log(clipped);
            if (grad != null) {
                boolean active = clipped == q;
                int g = grad.offset() + r * cols;
                for (int j = 0; j < cols; j++) {
                    float d = 1f / sum - (j == label ? 1f / p[row + label] : 0f);
                    grad.array()[g + j] = active ? d * w * gradScale : 0f;
                }
            }
        }
        return total;
    }
}
