package dev.jeras.activations;

/**
 * Keras's activations, by their Keras names, with Keras 3's numerics and defaults: the functions a
 * {@code Dense} layer applies after its affine map and an {@code ActivationLayer} applies alone.
 * Each computes {@code y = f(z)} element by element (softmax: per row of the last axis) and, in
 * the backward pass, turns the gradient with respect to y into the gradient with respect to z.
 */
public enum Activation {

    /** The identity ({@code activation=None} or {@code "linear"}). */
    LINEAR("linear"),
    /** {@code max(z, 0)}; its gradient is taken as 0 at 0, as TensorFlow's. */
    RELU("relu"),
    /** {@code 1 / (1 + exp(-z))}. */
    SIGMOID("sigmoid"),
    /** {@code tanh(z)}. */
    TANH("tanh"),
    /** {@code exp(z - max) / sum(exp(z - max))} over the last axis. */
    SOFTMAX("softmax"),
    /** Keras's default {@code gelu(z, approximate=False)}: {@code z * Phi(z) = 0.5 z (1 + erf(z / sqrt 2))}. */
    GELU("gelu"),
    /** {@code z * sigmoid(z)} (also called swish). */
    SILU("silu"),
    /** {@code z} for z >= 0, else {@code 0.2 z}: Keras 3's default negative slope. */
    LEAKY_RELU("leaky_relu"),
    /** {@code z} for z > 0, else {@code exp(z) - 1} (alpha 1). */
    ELU("elu"),
    /** {@code log(1 + exp(z))}, computed as {@code max(z, 0) + log1p(exp(-|z|))}. */
    SOFTPLUS("softplus");

    /** Keras 3's default slope of {@code leaky_relu} below zero. */
    public static final float LEAKY_SLOPE = 0.2f;

    private final String kerasName;

    Activation(String kerasName) {
        this.kerasName = kerasName;
    }

    /** The name Keras uses, as in {@code Dense(10, activation="softmax")}. */
    public String kerasName() {
        return kerasName;
    }

    /** The activation Keras calls {@code name} ({@code "relu"}), or an error listing those jeras has. */
    public static Activation byName(String name) {
        for (Activation a : values()) {
            if (a.kerasName.equals(name) || (a == LINEAR && name == null) || (a == SILU && "swish".equals(name))) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation '" + name + "' is not one jeras has; it has "
                + java.util.Arrays.stream(values()).map(Activation::kerasName).toList());
    }

    /** Whether the backward pass needs the input z (otherwise the output y is enough). */
    public boolean needsInput() {
        return this == GELU || this == SILU || this == LEAKY_RELU || this == ELU || this == SOFTPLUS;
    }

    /** Writes {@code y = f(z)} for a {@code rows x cols} block ({@code y} may be {@code z}). */
    public void forward(float[] z, int zOff, float[] y, int yOff, int rows, int cols) {
        int n = rows * cols;
        switch (this) {
            case LINEAR -> System.arraycopy(z, zOff, y, yOff, n);
            case SOFTMAX -> softmax(z, zOff, y, yOff, rows, cols);
            default -> {
                for (int i = 0; i < n; i++) {
                    y[yOff + i] = apply(z[zOff + i]);
                }
            }
        }
    }

    /** {@code f(z)} of one value (softmax excepted: it needs the whole row). */
    public float apply(float z) {
        return switch (this) {
            case LINEAR -> z;
            case RELU -> z > 0f ? z : 0f;
            case SIGMOID -> sigmoid(z);
            case TANH -> (float) Math.tanh(z);
            case GELU -> (float) (0.5 * z * (1 + Erf.erf(z / Math.sqrt(2))));
            case SILU -> z * sigmoid(z);
            case LEAKY_RELU -> z >= 0f ? z : LEAKY_SLOPE * z;
            case ELU -> z > 0f ? z : (float) Math.expm1(z);
            case SOFTPLUS -> (float) (Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs((double) z))));
            case SOFTMAX -> throw new UnsupportedOperationException("softmax works on whole rows");
        };
    }

    /**
     * Replaces {@code dy} (the gradient with respect to y) by the gradient with respect to z, for
     * the block whose input was {@code z} and output {@code y}.
     */
    public void backward(float[] dy, int dyOff, float[] z, int zOff, float[] y, int yOff, int rows, int cols) {
        int n = rows * cols;
        switch (this) {
            case LINEAR -> {
            }
            case SOFTMAX -> {
                for (int r = 0; r < rows; r++) {
                    int g = dyOff + r * cols;
                    int o = yOff + r * cols;
                    double dot = 0;
                    for (int j = 0; j < cols; j++) {
                        dot += (double) dy[g + j] * y[o + j];
                    }
                    for (int j = 0; j < cols; j++) {
                        dy[g + j] = (float) (y[o + j] * (dy[g + j] - dot));
                    }
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    dy[dyOff + i] *= derivative(z == null ? 0f : z[zOff + i], y[yOff + i]);
                }
            }
        }
    }

    /** {@code f'(z)}, from z or from y = f(z), whichever the function needs. */
    private float derivative(float z, float y) {
        return switch (this) {
            case RELU -> y > 0f ? 1f : 0f;
            case SIGMOID -> y * (1f - y);
            case TANH -> 1f - y * y;
            case GELU -> (float) (0.5 * (1 + Erf.erf(z / Math.sqrt(2))) + z * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI));
            case SILU -> {
                float s = sigmoid(z);
                yield s * (1f + z * (1f - s));
            }
            case LEAKY_RELU -> z > 0f ? 1f : LEAKY_SLOPE;
            case ELU -> z > 0f ? 1f : y + 1f;
            case SOFTPLUS -> sigmoid(z);
            default -> 1f;
        };
    }

    private static float sigmoid(float z) {
        return (float) (1.0 / (1.0 + Math.exp(-z)));
    }

    /** Softmax over each row, max-shifted as Keras computes it. */
    private static void softmax(float[] z, int zOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int in = zOff + r * cols;
            int out = yOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, z[in + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(z[in + j] - max);
                y[out + j] = e;
                sum += e;
            }
            for (int j = 0; j < cols; j++) {
                y[out + j] = (float) (y[out + j] / sum);
            }
        }
    }
}
