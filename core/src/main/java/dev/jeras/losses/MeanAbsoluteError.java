package dev.jeras.losses;

/** Keras's {@code MeanAbsoluteError}: the mean over a sample's values of {@code |y - p|} (gradient 0 where they are equal). */
public final class MeanAbsoluteError extends Regression {

    /** The loss. */
    public MeanAbsoluteError() {
        super("mean_absolute_error");
    }

    @Override
    double loss(double e) {
        return Math.abs(e);
    }

    @Override
    double derivative(double e) {
        return -Math.signum(e);
    }
}
