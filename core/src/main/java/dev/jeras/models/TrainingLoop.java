package dev.jeras.models;

import dev.jeras.kernels.Kernels;
import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.layers.Buffer;
import dev.jeras.losses.Loss;
import dev.jeras.metrics.Metric;

/**
 * One pass over a dataset in batches, training or evaluating, with buffers kept between passes so
 * that a step allocates nothing: each batch is gathered (in shuffled order) into a reused tensor,
 * run forward, scored by the fused loss, and in training run backward and through the optimizer.
 */
final class TrainingLoop {

    private final Sequential model;
    private final Buffer batch = new Buffer();
    private final Buffer lossGradient = new Buffer();
    private int[] batchLabels = new int[0];
    private int[] predictions = new int[0];
    /** Correct predictions in the last {@link #step}. */
    private int lastCorrect;

    TrainingLoop(Sequential model) {
        this.model = model;
    }

    /**
     * Runs over the samples of {@code x} in the given order (null: as they are) and returns the mean loss and accuracy.
     * Loss is averaged per sample (Keras weights each batch's mean loss by its size).
     */
    EvalResult run(Tensor x, int[] labels, int[] order, int batchSize, boolean training, Progbar progress) {
        Shape sample = model.inputShape();
        if (batchLabels.length < batchSize) {
            batchLabels = new int[batchSize];
        }
        boolean showAccuracy = model.metrics().contains(Metric.ACCURACY);
        double[] shown = new double[showAccuracy ? 2 : 1]; // the progress bar's order: accuracy, loss
        int n = x.rows();
        int steps = (n + batchSize - 1) / batchSize;
        double lossSum = 0;
        long correct = 0;
        for (int step = 0; step < steps; step++) {
            int start = step * batchSize;
            int rows = Math.min(batchSize, n - start);
            Tensor xb = batch.get(rows, sample);
            x.gatherRows(model.kernels(), order, start, rows, xb.array(), xb.offset());
            for (int r = 0; r < rows; r++) {
                batchLabels[r] = labels[order == null ? start + r : order[start + r]];
            }
            lossSum += step(xb, batchLabels, training);
            correct += lastCorrect;
            if (progress != null) {
                int seen = start + rows;
                if (showAccuracy) {
                    shown[0] = (double) correct / seen;
                }
                shown[shown.length - 1] = lossSum / seen;
                progress.update(step + 1, shown);
            }
        }
        return new EvalResult(lossSum / n, (double) correct / n);
    }

    /**
     * One batch (labels already checked): forward, the fused loss and its gradient, the count of
     * correct predictions (left in {@link #lastCorrect}), and in training backward and one optimizer
     * step. Returns the sum of the per-sample losses.
     */
    double step(Tensor xb, int[] labels, boolean training) {
        Kernels kernels = model.kernels();
        int rows = xb.rows();
        int classes = model.outputShape().dim(0);
        if (predictions.length < rows) {
            predictions = new int[rows];
        }
        Tensor scores = model.forward(xb, training);
        Tensor grad = training ? lossGradient.get(rows, model.outputShape()) : null;
        double lossSum = model.loss().sum(kernels, scores, labels, 0, grad, 1f / rows);
        kernels.argmax(scores.array(), scores.offset(), rows, classes, predictions, 0);
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            if (predictions[r] == labels[r]) {
                correct++;
            }
        }
        lastCorrect = correct;
        if (training) {
            model.backward(grad, false);
            model.optimizer().step(kernels, model.trainableWeights());
        }
        return lossSum;
    }
}
