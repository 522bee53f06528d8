package dev.jeras.losses;

import dev.jeras.Shape;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.kernels.Kernels;

/**
 * Binary cross-entropy per output value, averaged over the sample's values, as Keras's
 * {@code BinaryCrossentropy}: targets in [0, 1] (0/1 class labels in a {@code UInt8Tensor} work too,
 * with one output). From probabilities they are clipped to {@code [1e-7, 1 - 1e-7]} and
 * {@code -(y log p + (1 - y) log(1 - p))}; from logits the stable
 * {@code max(z, 0) - z y + log(1 + exp(-|z|))} (as TensorFlow's and JAX's Keras compute it; Keras's
 * NumPy backend clips the sigmoid instead). Label smoothing s makes targets {@code y (1 - s) + s / 2}.
 */
public final class BinaryCrossentropy extends SmoothedCrossentropy {

    /** Over probabilities (Keras's default). */
    public BinaryCrossentropy() {
        this(false, 0);
    }

    /** Over logits when {@code fromLogits}. */
    public BinaryCrossentropy(boolean fromLogits) {
        this(fromLogits, 0);
    }

    /** Over logits when {@code fromLogits}, with targets smoothed by {@code labelSmoothing} in [0, 1]. */
    public BinaryCrossentropy(boolean fromLogits, double labelSmoothing) {
        super("binary_crossentropy", fromLogits, labelSmoothing);
    }

    @Override
    public void check(Targets yTrue, Shape output) {
        yTrue.checkValues(output, name());
        if (yTrue.isSparse()) {
            for (int r = 0; r < yTrue.rows(); r++) {
                if (yTrue.label(r) > 1) {
                    throw new IllegalArgumentException("binary_crossentropy needs 0/1 labels, received " + yTrue.label(r) + " at index " + r);
                }
            }
        }
    }

    @Override
    public double sum(Kernels kernels, Tensor yPred, Targets yTrue, float[] weights, Tensor grad, float gradScale) {
        int rows = yPred.rows();
        int cols = yPred.size() / rows;
        float[] p = yPred.array();
        double eps = SparseCategoricalCrossentropy.EPSILON;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double w = weight(weights, r) / cols;
            for (int j = 0; j < cols; j++) {
                int i = yPred.offset() + r * cols + j;
                double y = yTrue.value(r, j);
                y = labelSmoothing() == 0 ? y : y * (1 - labelSmoothing()) + 0.5 * labelSmoothing();
                double z = p[i];
                double loss;
                double d;
                if (fromLogits()) {
                    loss = Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
                    d = 1 / (1 + Math.exp(-z)) - y;
                } else {
                    double c = Math.min(Math.max(z, eps), 1 - eps);
                    loss = -(y * Math.log(c) + (1 - y) * Math.log(1 - c));
                    d = c == z ? (c - y) / (c * (1 - c)) : 0;
                }
                total += w * loss;
                if (grad != null) {
                    grad.array()[grad.offset() + r * cols + j] = (float) (d * w * gradScale);
                }
            }
        }
        return total;
    }
}
