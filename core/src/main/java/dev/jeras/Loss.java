package dev.jeras;

import dev.jeras.kernels.Kernels;

/** A loss over integer class labels, reduced as Keras's {@code sum_over_batch_size} (the mean over samples). */
public abstract sealed class Loss permits SparseCategoricalCrossentropy {

    Loss() {
    }

    /** The mean loss of {@code yPred} (batch, classes) against labels {@code yTrue} (batch), as Keras's {@code loss(y_true, y_pred)}. */
    public final float call(UInt8Tensor yTrue, Tensor yPred) {
        int[] labels = Labels.of(yTrue, yPred.rows(), yPred.shape().rank() == 2 ? yPred.shape().dim(1) : -1, "yPred");
        return (float) (sum(Kernels.active(), yPred, labels, 0, null, 0f) / Math.max(1, yPred.rows()));
    }

    /**
     * The sum of the per-sample losses of a batch; when {@code grad} is not null also writes the
     * gradient of that sum with respect to {@code yPred}, times {@code gradScale}, into it.
     * Labels are already validated.
     */
    abstract double sum(Kernels kernels, Tensor yPred, int[] labels, int labelOff, Tensor grad, float gradScale);
}
