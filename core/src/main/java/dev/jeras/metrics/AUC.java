package dev.jeras.metrics;

import dev.jeras.Targets;
import dev.jeras.Tensor;

/**
 * Keras's {@code AUC} with its defaults: the area under the ROC curve from 200 thresholds evenly
 * spaced in [0, 1] (the first just below 0, the last just above 1), a value counted positive when
 * above a threshold, and the trapezoids' heights interpolated. Predictions are probabilities; every
 * output value is one binary decision against its 0/1 target.
 */
public final class AUC extends Metric {

    private static final double EPSILON = 1e-7;

    private final int numThresholds;
    private final double[] thresholds;
    private final double[] truePositives;
    private final double[] falsePositives;
    private final double[] trueNegatives;
    private final double[] falseNegatives;

    /** 200 thresholds. */
    public AUC() {
        this(200);
    }

    /** The given number of thresholds (more than 1). */
    public AUC(int numThresholds) {
        super("auc");
        if (numThresholds < 2) {
            throw new IllegalArgumentException("AUC needs more than one threshold, received " + numThresholds);
        }
        this.numThresholds = numThresholds;
        thresholds = new double[numThresholds];
        thresholds[0] = -EPSILON;
        for (int i = 1; i < numThresholds - 1; i++) {
            thresholds[i] = (double) i / (numThresholds - 1);
        }
        thresholds[numThresholds - 1] = 1 + EPSILON;
        truePositives = new double[numThresholds];
        falsePositives = new double[numThresholds];
        trueNegatives = new double[numThresholds];
        falseNegatives = new double[numThresholds];
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(truePositives, 0);
        java.util.Arrays.fill(falsePositives, 0);
        java.util.Arrays.fill(trueNegatives, 0);
        java.util.Arrays.fill(falseNegatives, 0);
    }

    @Override
    public void update(Targets yTrue, Tensor yPred, float[] weights) {
        int rows = yPred.rows();
        int cols = yPred.size() / Math.max(1, rows);
        float[] p = yPred.array();
        for (int r = 0; r < rows; r++) {
            double w = weights == null ? 1 : weights[r];
            for (int j = 0; j < cols; j++) {
                double score = p[yPred.offset() + r * cols + j];
                boolean positive = yTrue.value(r, j) > 0.5f;
                for (int t = 0; t < numThresholds; t++) {
                    boolean above = score > thresholds[t];
                    if (positive) {
                        if (above) {
                            truePositives[t] += w;
                        } else {
                            falseNegatives[t] += w;
                        }
                    } else if (above) {
                        falsePositives[t] += w;
                    } else {
                        trueNegatives[t] += w;
                    }
                }
            }
        }
    }

    /** {@code sum over t of (fpr[t] - fpr[t+1]) * (tpr[t] + tpr[t+1]) / 2}, rates 0 where undefined. */
    @Override
    public double result() {
        double area = 0;
        for (int t = 0; t < numThresholds - 1; t++) {
            double x0 = divide(falsePositives[t], falsePositives[t] + trueNegatives[t]);
            double x1 = divide(falsePositives[t + 1], falsePositives[t + 1] + trueNegatives[t + 1]);
            double y0 = divide(truePositives[t], truePositives[t] + falseNegatives[t]);
            double y1 = divide(truePositives[t + 1], truePositives[t + 1] + falseNegatives[t + 1]);
            area += (x0 - x1) * (y0 + y1) / 2;
        }
        return area;
    }

    private static double divide(double a, double b) {
        return b == 0 ? 0 : a / b;
    }

    @Override
    public Metric copy() {
        return new AUC(numThresholds);
    }
}
