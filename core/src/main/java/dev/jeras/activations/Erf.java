package dev.jeras.activations;

/**
 * The error function, which Java's {@code Math} lacks, for GELU. The complementary function is the
 * Chebyshev fit of Numerical Recipes' {@code erfcc}: relative error below 1.2e-7 for every x, which
 * is within float32's precision.
 */
final class Erf {

    private Erf() {
    }

    static double erf(double x) {
        return 1.0 - erfc(x);
    }

    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
