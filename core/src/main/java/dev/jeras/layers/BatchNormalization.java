package dev.jeras.layers;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.initializers.Initializer;

/**
 * Keras's {@code BatchNormalization} over the features of flat samples (axis -1). In training each
 * feature is normalised with the batch's mean and (biased) variance, {@code y = gamma * (x - mean) /
 * sqrt(var + epsilon) + beta}, and the moving statistics follow it:
 * {@code moving = moving * momentum + batch * (1 - momentum)}. In inference the moving statistics
 * are used instead. Keras's defaults: momentum 0.99, epsilon 1e-3, gamma ones, beta zeros, moving
 * mean zeros, moving variance ones; weights in Keras's order gamma, beta (trained), moving mean,
 * moving variance (not trained).
 */
public final class BatchNormalization extends Layer {

    private final double momentum;
    private final double epsilon;
    private Parameter gamma;
    private Parameter beta;
    private Parameter movingMean;
    private Parameter movingVariance;
    private final Buffer output = new Buffer();
    private final Buffer inputGradient = new Buffer();
    /** Training only: the normalised input and 1 / sqrt(var + epsilon) per feature of the last batch. */
    private final Buffer normalized = new Buffer();
    private float[] inverseStd = new float[0];
    private Tensor lastNormalized;
    /** Whether the last forward was a training call on the frozen layer (moving statistics, nothing updated). */
    private boolean lastFrozen;

    /** Keras's defaults: momentum 0.99, epsilon 1e-3. */
    public BatchNormalization() {
        this(0.99, 1e-3);
    }

    /** The given momentum of the moving statistics (in [0, 1]) and epsilon (positive). */
    public BatchNormalization(double momentum, double epsilon) {
        super("batch_normalization", null);
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNormalization momentum must be in [0, 1], received " + momentum);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("BatchNormalization epsilon must be positive, received " + epsilon);
        }
        this.momentum = momentum;
        this.epsilon = epsilon;
    }

    @Override
    public BatchNormalization named(String name) {
        super.named(name);
        return this;
    }

    /** The momentum of the moving statistics, as given. */
    public double momentum() {
        return momentum;
    }

    /** The term added to the variance, as given. */
    public double epsilon() {
        return epsilon;
    }

    @Override
    protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
        if (inputShape.rank() != 1) {
            throw new IllegalArgumentException("BatchNormalization in jeras normalises flat samples such as (None, 128), received "
                    + inputShape.toBatchString() + ": put a Flatten layer before it");
        }
        Shape features = Shape.of(inputShape.dim(0));
        gamma = addWeight("gamma", features, Initializer.ones());
        beta = addWeight("beta", features, Initializer.zeros());
        movingMean = addWeight("moving_mean", features, Initializer.zeros(), false);
        movingVariance = addWeight("moving_variance", features, Initializer.ones(), false);
        inverseStd = new float[features.dim(0)];
        return inputShape;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int rows = x.rows();
        int n = inputShape().dim(0);
        Tensor y = output.get(rows, outputShape());
        float[] in = x.array();
        float[] out = y.array();
        float[] g = gamma.value().array();
        float[] b = beta.value().array();
        // Frozen, it normalizes with the moving statistics in training too, and leaves them alone (Keras 3).
        // Only training writes a field: inference runs on many threads at once.
        if (training) {
            lastFrozen = !isTrainable();
        }
        if (!training || lastFrozen) {
            float[] mean = movingMean.value().array();
            float[] var = movingVariance.value().array();
            for (int j = 0; j < n; j++) {
                float inv = movingInverseStd(var, j);
                for (int r = 0; r < rows; r++) {
                    out[y.offset() + r * n + j] = g[j] * (in[x.offset() + r * n + j] - mean[j]) * inv + b[j];
                }
            }
            return y;
        }
        Tensor xhat = normalized.get(rows, outputShape());
        float[] h = xhat.array();
        float[] mm = movingMean.value().array();
        float[] mv = movingVariance.value().array();
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += in[x.offset() + r * n + j];
            }
            double mean = sum / rows;
            double squares = 0;
            for (int r = 0; r < rows; r++) {
                double d = in[x.offset() + r * n + j] - mean;
                squares += d * d;
            }
            double var = squares / rows;
            float inv = (float) (1 / Math.sqrt(var + epsilon));
            inverseStd[j] = inv;
            for (int r = 0; r < rows; r++) {
                int i = r * n + j;
                float normal = (in[x.offset() + i] - (float) mean) * inv;
                h[xhat.offset() + i] = normal;
                out[y.offset() + i] = g[j] * normal + b[j];
            }
            // Moving statistics are state updated every step: a feature that stops firing (a dead ReLU
            // unit) decays them by momentum per step into the subnormal range, where Intel pays a
            // microcode assist per instruction; keep them normal or zero, as the optimizers keep theirs.
            mm[j] = normalOrZero((float) (mm[j] * momentum + mean * (1 - momentum)));
            mv[j] = normalOrZero((float) (mv[j] * momentum + var * (1 - momentum)));
        }
        lastNormalized = xhat;
        return y;
    }

    /**
     * After a frozen forward the moving statistics are constants: {@code dx = dy * gamma * inv} with
     * the forward's {@link #movingInverseStd}. The frozen weights get no gradient.
     */
    private Tensor frozenBackward(Tensor dy, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        int rows = dy.rows();
        int n = inputShape().dim(0);
        Tensor dx = inputGradient.get(rows, inputShape());
        float[] g = gamma.value().array();
        float[] var = movingVariance.value().array();
        for (int j = 0; j < n; j++) {
            float inv = movingInverseStd(var, j);
            for (int r = 0; r < rows; r++) {
                int i = r * n + j;
                dx.array()[dx.offset() + i] = dy.array()[dy.offset() + i] * g[j] * inv;
            }
        }
        return dx;
    }

    /** {@code 1 / sqrt(moving_variance[j] + epsilon)}, as inference and a frozen layer normalize with it. */
    private float movingInverseStd(float[] movingVariance, int j) {
        return (float) (1 / Math.sqrt(movingVariance[j] + epsilon));
    }

    private static float normalOrZero(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }

    /**
     * With {@code xhat} the normalised input and {@code g = dy * gamma}: {@code dgamma = sum(dy * xhat)},
     * {@code dbeta = sum(dy)}, {@code dx = inv / N * (N g - sum(g) - xhat sum(g xhat))} per feature.
     */
    @Override
    public Tensor backward(Tensor dy, boolean needInputGradient) {
        if (lastFrozen) {
            return frozenBackward(dy, needInputGradient);
        }
        int rows = dy.rows();
        int n = inputShape().dim(0);
        float[] d = dy.array();
        float[] h = lastNormalized.array();
        float[] g = gamma.value().array();
        float[] dGamma = gamma.gradient().array();
        float[] dBeta = beta.gradient().array();
        Tensor dx = needInputGradient ? inputGradient.get(rows, inputShape()) : null;
        for (int j = 0; j < n; j++) {
            double sumDy = 0;
            double sumDyH = 0;
            for (int r = 0; r < rows; r++) {
                int i = r * n + j;
                sumDy += d[dy.offset() + i];
                sumDyH += (double) d[dy.offset() + i] * h[lastNormalized.offset() + i];
            }
            dGamma[j] = (float) sumDyH;
            dBeta[j] = (float) sumDy;
            if (dx != null) {
                // sum(g) = gamma * sum(dy) and sum(g xhat) = gamma * sum(dy xhat)
                double scale = g[j] * inverseStd[j] / rows;
                for (int r = 0; r < rows; r++) {
                    int i = r * n + j;
                    dx.array()[dx.offset() + i] = (float) (scale * (rows * d[dy.offset() + i] - sumDy
                            - h[lastNormalized.offset() + i] * sumDyH));
                }
            }
        }
        return dx;
    }
}
