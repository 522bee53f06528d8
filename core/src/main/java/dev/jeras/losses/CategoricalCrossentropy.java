package dev.jeras.losses;

import dev.jeras.Shape;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.kernels.Kernels;

/**
 * Cross-entropy between one-hot (or soft) float targets and class scores, as Keras's
 * {@code CategoricalCrossentropy}: {@code -sum(y * log p)}. From logits p is the log-softmax; from
 * probabilities each row is divided by its sum and clipped to {@code [1e-7, 1 - 1e-7]}. With
 * {@code labelSmoothing} s the targets become {@code y * (1 - s) + s / classes}.
 */
public final class CategoricalCrossentropy extends SmoothedCrossentropy {

    /** Over probabilities, no smoothing (Keras's defaults). */
    public CategoricalCrossentropy() {
        this(false, 0);
    }

    /** Over logits when {@code fromLogits}. */
    public CategoricalCrossentropy(boolean fromLogits) {
        this(fromLogits, 0);
    }

    /** Over logits when {@code fromLogits}, with targets smoothed by {@code labelSmoothing} in [0, 1]. */
    public CategoricalCrossentropy(boolean fromLogits, double labelSmoothing) {
        super("categorical_crossentropy", fromLogits, labelSmoothing);
    }

    @Override
    public void check(Targets yTrue, Shape output) {
        if (yTrue.isSparse()) {
            throw new IllegalArgumentException("categorical_crossentropy takes one-hot float targets (a Tensor of shape (batch, classes)); "
                    + "for class indices use SparseCategoricalCrossentropy");
        }
        yTrue.checkValues(output, name());
    }

    @Override
    public double sum(Kernels kernels, Tensor yPred, Targets yTrue, float[] weights, Tensor grad, float gradScale) {
        int rows = yPred.rows();
        int cols = yPred.size() / rows;
        float[] p = yPred.array();
        double smooth = labelSmoothing();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int row = yPred.offset() + r * cols;
            double w = weight(weights, r);
            int g = grad == null ? 0 : grad.offset() + r * cols;
            if (fromLogits()) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, p[row + j]);
                }
                double sumExp = 0;
                for (int j = 0; j < cols; j++) {
                    sumExp += Math.exp(p[row + j] - max);
                }
                double logSum = Math.log(sumExp) + max;
                double ySum = 0;
                for (int j = 0; j < cols; j++) {
                    double y = target(yTrue, r, j, cols, smooth);
                    ySum += y;
                    total += w * -y * (p[row + j] - logSum);
                }
                if (grad != null) {
                    for (int j = 0; j < cols; j++) {
                        double softmax = Math.exp(p[row + j] - logSum);
                        grad.array()[g + j] = (float) ((softmax * ySum - target(yTrue, r, j, cols, smooth)) * w * gradScale);
                    }
                }
                continue;
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += p[row + j];
            }
            // Through q = p / sum(p) and the clip: dL/dp_k = (dL/dq_k - sum_j dL/dq_j q_j) / sum(p).
            double weighted = 0;
            for (int j = 0; j < cols; j++) {
                double q = p[row + j] / sum;
                double y = target(yTrue, r, j, cols, smooth);
                total += w * -y * Math.log(clip(q));
                weighted += dLdq(q, y) * q;
            }
            if (grad != null) {
                for (int j = 0; j < cols; j++) {
                    double q = p[row + j] / sum;
                    grad.array()[g + j] = (float) ((dLdq(q, target(yTrue, r, j, cols, smooth)) - weighted) / sum * w * gradScale);
                }
            }
        }
        return total;
    }

    private static double clip(double q) {
        return Math.min(Math.max(q, SparseCategoricalCrossentropy.EPSILON), 1 - SparseCategoricalCrossentropy.EPSILON);
    }

    /** The derivative of {@code -y log(clip(q))}: 0 where the clip is active, as the clip's gradient is. */
    private static double dLdq(double q, double y) {
        return clip(q) == q ? -y / q : 0;
    }

    private static double target(Targets yTrue, int r, int j, int cols, double smooth) {
        double y = yTrue.value(r, j);
        return smooth == 0 ? y : y * (1 - smooth) + smooth / cols;
    }
}
