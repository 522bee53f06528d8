package dev.jeras.losses;

/**
 * Keras's {@code Huber}: per value {@code 0.5 e^2} where {@code |e| <= delta}, else
 * {@code delta * |e| - 0.5 delta^2}, averaged over a sample's values (delta 1 by default).
 */
public final class Huber extends Regression {

    private final double delta;

    /** Keras's default delta, 1. */
    public Huber() {
        this(1.0);
    }

    /** The given positive delta. */
    public Huber(double delta) {
        super("huber_loss");
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("Huber delta must be positive and finite, received " + delta);
        }
        this.delta = delta;
    }

    /** Where the loss turns from quadratic to linear. */
    public double delta() {
        return delta;
    }

    @Override
    double loss(double e) {
        double a = Math.abs(e);
        return a <= delta ? 0.5 * e * e : delta * a - 0.5 * delta * delta;
    }

    @Override
    double derivative(double e) {
        return Math.abs(e) <= delta ? -e : -delta * Math.signum(e);
    }
}
