package dev.jeras.metrics;

import dev.jeras.Targets;
import dev.jeras.Tensor;

/** A metric that is the weighted mean of a value per sample: {@code sum(w * v) / sum(w)}, as Keras's {@code MeanMetricWrapper}. */
public abstract class MeanMetric extends Metric {

    private double total;
    private double count;

    protected MeanMetric(String name) {
        super(name);
    }

    /** The value of sample {@code r} of the batch: {@code yPred}'s row r against target r. */
    protected abstract double value(Targets yTrue, float[] pred, int offset, int cols, int r);

    @Override
    public final void reset() {
        total = 0;
        count = 0;
    }

    @Override
    public final void update(Targets yTrue, Tensor yPred, float[] weights) {
        int rows = yPred.rows();
        int cols = yPred.size() / Math.max(1, rows);
        float[] p = yPred.array();
        for (int r = 0; r < rows; r++) {
            double w = weights == null ? 1 : weights[r];
            total += w * value(yTrue, p, yPred.offset() + r * cols, cols, r);
            count += w;
        }
    }

    @Override
    public final double result() {
        return count == 0 ? 0 : total / count;
    }

    /** The index of the largest of {@code cols} values from {@code offset} (the first on a tie). */
    static int argmax(float[] values, int offset, int cols) {
        int best = 0;
        for (int j = 1; j < cols; j++) {
            if (values[offset + j] > values[offset + best]) {
                best = j;
            }
        }
        return best;
    }
}
