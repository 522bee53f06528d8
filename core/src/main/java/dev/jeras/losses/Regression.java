package dev.jeras.losses;

import dev.jeras.Shape;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.kernels.Kernels;

/** The losses computed value by value from the error {@code e = y - p} and averaged over a sample's values. */
abstract sealed class Regression extends Loss permits MeanSquaredError, MeanAbsoluteError, Huber {

    Regression(String name) {
        super(name);
    }

    /** The loss of one error. */
    abstract double loss(double e);

    /** The derivative of the loss with respect to the prediction, for error e. */
    abstract double derivative(double e);

    @Override
    public void check(Targets yTrue, Shape output) {
        yTrue.checkValues(output, name());
    }

    @Override
    public double sum(Kernels kernels, Tensor yPred, Targets yTrue, float[] weights, Tensor grad, float gradScale) {
        int rows = yPred.rows();
        int cols = yPred.size() / rows;
        float[] p = yPred.array();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double w = weight(weights, r) / cols;
            for (int j = 0; j < cols; j++) {
                int i = yPred.offset() + r * cols + j;
                double e = yTrue.value(r, j) - (double) p[i];
                total += w * loss(e);
                if (grad != null) {
                    grad.array()[grad.offset() + r * cols + j] = (float) (derivative(e) * w * gradScale);
                }
            }
        }
        return total;
    }
}
