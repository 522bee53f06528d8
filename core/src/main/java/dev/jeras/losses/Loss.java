package dev.jeras.losses;

import dev.jeras.IntTensor;
import dev.jeras.Shape;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.kernels.Kernels;

/**
 * A loss, reduced as Keras's default {@code sum_over_batch_size}: the per-sample losses, each
 * multiplied by its sample weight when there are weights, summed and divided by the number of
 * samples. A per-sample loss over several output values is their mean (Keras reduces the last axis
 * with a mean). Calling a loss ({@link #call}) gives that mean, as Keras's {@code loss(y_true, y_pred)}.
 *
 * <p>A loss of one's own extends this class: {@link #check} says which targets it takes, and
 * {@link #sum} computes a batch's loss and, in training, its gradient.
 */
public abstract class Loss {

    private final String name;

    /** A loss called {@code name} in logs and model files, such as {@code mean_squared_error}. */
    protected Loss(String name) {
        this.name = name;
    }

    /** Keras's name of this loss, as in its config: {@code sparse_categorical_crossentropy}. */
    public final String name() {
        return name;
    }

    /** The mean loss of predictions {@code yPred} against class labels {@code yTrue}. */
    public final float call(UInt8Tensor yTrue, Tensor yPred) {
        return call(Targets.of(yTrue), yPred);
    }

    /** The mean loss of predictions {@code yPred} against class labels {@code yTrue}. */
    public final float call(IntTensor yTrue, Tensor yPred) {
        return call(Targets.of(yTrue), yPred);
    }

    /** The mean loss of predictions {@code yPred} against float targets {@code yTrue}. */
    public final float call(Tensor yTrue, Tensor yPred) {
        return call(Targets.of(yTrue), yPred);
    }

    /** The mean loss of predictions {@code yPred} against {@code yTrue}. */
    public final float call(Targets yTrue, Tensor yPred) {
        if (yPred.shape().rank() < 2) {
            throw new IllegalArgumentException(name + " needs predictions of shape (batch, ...), received " + yPred.shape());
        }
        if (yTrue.rows() != yPred.rows()) {
            throw new IllegalArgumentException("expected one target per sample: " + yPred.rows() + " predictions, received "
                    + yTrue.rows() + " targets");
        }
        check(yTrue, yPred.shape().withoutBatch());
        Tensor p = yPred.isFloat() ? yPred : Tensor.of(yPred.toArray(), yPred.shape().dims());
        return (float) (sum(Kernels.active(), p, yTrue, null, null, 0f) / Math.max(1, yPred.rows()));
    }

    /**
     * Checks, once before training or evaluation, that {@code yTrue} suits this loss and the model's
     * per-sample output shape, with an error that says what to change.
     */
    public abstract void check(Targets yTrue, Shape output);

    /**
     * The sum over the batch of the per-sample losses, each times its weight ({@code weights} null:
     * all 1). When {@code grad} is not null, also writes the gradient of that sum with respect to
     * {@code yPred}, times {@code gradScale}, into it. Targets are already checked.
     */
    public abstract double sum(Kernels kernels, Tensor yPred, Targets yTrue, float[] weights, Tensor grad, float gradScale);

    /** The weight of sample {@code r} (1 without weights). */
    protected static float weight(float[] weights, int r) {
        return weights == null ? 1f : weights[r];
    }
}
