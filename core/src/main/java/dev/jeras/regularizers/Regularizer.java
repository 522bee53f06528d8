package dev.jeras.regularizers;

/**
 * A penalty on a weight added to the loss, as Keras's {@code kernel_regularizer}: {@link #l1},
 * {@link #l2} or {@link #l1l2}. The training loss shown and minimised is the data loss plus every
 * layer's penalty.
 */
public record Regularizer(double l1, double l2) {

    /** Checks the factors. */
    public Regularizer {
        if (!(l1 >= 0) || !(l2 >= 0) || Double.isInfinite(l1) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("regularization factors must be finite and not negative, received l1=" + l1 + ", l2=" + l2);
        }
    }

    /** Keras's {@code L1(l1)}: {@code l1 * sum(|w|)} (Keras's default factor is 0.01). */
    public static Regularizer l1(double l1) {
        return new Regularizer(l1, 0);
    }

    /** Keras's {@code L2(l2)}: {@code l2 * sum(w^2)} (Keras's default factor is 0.01). */
    public static Regularizer l2(double l2) {
        return new Regularizer(0, l2);
    }

    /** Keras's {@code L1L2(l1, l2)}: both terms. */
    public static Regularizer l1l2(double l1, double l2) {
        return new Regularizer(l1, l2);
    }

    /** The penalty of weights {@code w}. */
    public double loss(float[] w) {
        double abs = 0;
        double squares = 0;
        for (float x : w) {
            abs += Math.abs(x);
            squares += (double) x * x;
        }
        return l1 * abs + l2 * squares;
    }

    /** Adds the penalty's gradient, {@code l1 * sign(w) + 2 * l2 * w}, to {@code grad}. */
    public void addGradient(float[] w, float[] grad) {
        float a = (float) l1;
        float b = (float) (2 * l2);
        for (int i = 0; i < w.length; i++) {
            grad[i] += a * Math.signum(w[i]) + b * w[i];
        }
    }

    /** Keras's class name for this penalty: {@code L1}, {@code L2} or {@code L1L2}. */
    public String kerasClass() {
        return l2 == 0 ? "L1" : l1 == 0 ? "L2" : "L1L2";
    }
}
