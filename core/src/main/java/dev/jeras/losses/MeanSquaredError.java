package dev.jeras.losses;

/** Keras's {@code MeanSquaredError}: the mean over a sample's values of {@code (y - p)^2}. */
public final class MeanSquaredError extends Regression {

    /** The loss. */
    public MeanSquaredError() {
        super("mean_squared_error");
    }

    @Override
    double loss(double e) {
        return e * e;
    }

    @Override
    double derivative(double e) {
        return -2 * e;
    }
}
