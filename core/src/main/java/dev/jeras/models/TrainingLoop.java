package dev.jeras.models;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.jeras.Shape;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.callbacks.Callback;
import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Buffer;
import dev.jeras.layers.Parameter;
import dev.jeras.metrics.Metric;
import dev.jeras.regularizers.Regularizer;

/**
 * One pass over a dataset in batches, training or evaluating: the one place where batches are
 * gathered, the loss and the metrics computed, logs kept and batch callbacks called. {@code fit},
 * {@code evaluate} and {@code trainOnBatch} all run through it.
 *
 * <p>Buffers are kept between passes so a step allocates nothing: each batch is gathered (in
 * shuffled order) into a reused tensor, run forward, scored by the loss (weighted when there are
 * sample weights) and the metrics, and in training run backward and through the optimizer. The logs
 * are Keras's: the running mean of the loss (regularization penalties included) and of each metric,
 * named and sorted as Keras sorts them ({@code accuracy}, {@code loss}, {@code mae}, ...).
 */
final class TrainingLoop {

    private final Sequential model;
    /** This loop's own copies of the compiled metrics, in the order of {@link #names}. */
    private final List<Metric> metrics = new ArrayList<>();
    /** The names of the logs, sorted: each metric's and {@code loss}. */
    final String[] names;
    /** The running value of each log, in the order of {@link #names}; reused. */
    final double[] values;
    private final int lossIndex;
    private final int[] metricIndex;
    private final Logs logs;
    private final Buffer batch = new Buffer();
    private final Buffer lossGradient = new Buffer();
    private Targets batchTargets;
    private float[] batchWeights = new float[0];

    TrainingLoop(Sequential model) {
        this.model = model;
        for (Metric m : model.metrics()) {
            metrics.add(m.copy());
        }
        metrics.sort(Comparator.comparing(Metric::name));
        List<String> sorted = new ArrayList<>();
        for (Metric m : metrics) {
            sorted.add(m.name());
        }
        sorted.add("loss");
        sorted.sort(null);
        names = sorted.toArray(String[]::new);
        values = new double[names.length];
        lossIndex = sorted.indexOf("loss");
        metricIndex = new int[metrics.size()];
        for (int i = 0; i < metrics.size(); i++) {
            metricIndex[i] = sorted.indexOf(metrics.get(i).name());
        }
        logs = new Logs(names, values);
    }

    /** The logs as callbacks see them: a live view of {@link #values}. */
    Logs logs() {
        return logs;
    }

    /**
     * Runs over the samples of {@code x} in the given order (null: as they are) and leaves the mean
     * loss and metrics in {@link #values}. In training, each batch is followed by the callbacks'
     * {@code onTrainBatchEnd}, and the pass stops early once the model's {@code stopTraining} is set.
     */
    void run(Tensor x, Targets y, float[] weights, int[] order, int batchSize, boolean training, Progbar progress,
             List<Callback> callbacks) {
        Shape sample = model.inputShape();
        int n = x.rows();
        int capacity = Math.min(batchSize, n);
        if (batchTargets == null || batchTargets.isSparse() != y.isSparse() || batchTargets.width() != y.width()
                || batchTargets.capacity() < capacity) {
            batchTargets = y.batchBuffer(capacity);
        }
        if (weights != null && batchWeights.length < capacity) {
            batchWeights = new float[capacity];
        }
        reset();
        int steps = (n + batchSize - 1) / batchSize;
        double lossSum = 0;
        for (int step = 0; step < steps; step++) {
            int start = step * batchSize;
            int rows = Math.min(batchSize, n - start);
            Tensor xb = batch.get(rows, sample);
            x.gatherRows(model.kernels(), order, start, rows, xb.array(), xb.offset());
            batchTargets.gather(y, order, start, rows);
            float[] wb = null;
            if (weights != null) {
                for (int r = 0; r < rows; r++) {
                    batchWeights[r] = weights[order == null ? start + r : order[start + r]];
                }
                wb = batchWeights;
            }
            for (int c = 0; c < callbacks.size(); c++) {
                callbacks.get(c).onTrainBatchBegin(step, logs);
            }
            lossSum += step(xb, batchTargets, wb, training);
            values[lossIndex] = lossSum / (start + rows);
            for (int i = 0; i < metrics.size(); i++) {
                values[metricIndex[i]] = metrics.get(i).result();
            }
            if (progress != null) {
                progress.update(step + 1, values);
            }
            for (int c = 0; c < callbacks.size(); c++) {
                callbacks.get(c).onTrainBatchEnd(step, logs);
            }
            if (training && model.stopTraining()) {
                break;
            }
        }
    }

    /** Clears the metrics' state and the logs. */
    void reset() {
        for (Metric m : metrics) {
            m.reset();
        }
        java.util.Arrays.fill(values, 0);
    }

    /** A batch buffer for {@code trainOnBatch}'s labels, with room for {@code rows}. */
    Targets labelBuffer(int rows) {
        if (batchTargets == null || !batchTargets.isSparse() || batchTargets.capacity() < rows) {
            batchTargets = Targets.sparse(rows);
        }
        return batchTargets;
    }

    /**
     * One batch (targets already checked): forward, the loss and its gradient, the metrics, and in
     * training backward and one optimizer step. Returns the batch's summed loss, each sample's
     * loss times its weight, plus the regularization penalty once per sample, so that dividing by
     * the number of samples gives Keras's loss.
     */
    double step(Tensor xb, Targets yb, float[] weights, boolean training) {
        Kernels kernels = model.kernels();
        int rows = xb.rows();
        Tensor scores = model.forward(xb, training);
        Tensor grad = training ? lossGradient.get(rows, model.outputShape()) : null;
        double lossSum = model.loss().sum(kernels, scores, yb, weights, grad, 1f / rows);
        for (int i = 0; i < metrics.size(); i++) {
            metrics.get(i).update(yb, scores, weights);
        }
        List<Parameter> parameters = model.trainableWeights();
        double penalty = 0;
        for (int i = 0; i < parameters.size(); i++) {
            Regularizer r = parameters.get(i).regularizer();
            if (r != null) {
                penalty += r.loss(parameters.get(i).value().array());
            }
        }
        if (training) {
            model.backward(grad, false);
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                if (p.regularizer() != null) {
                    p.regularizer().addGradient(p.value().array(), p.gradient().array());
                }
            }
            model.optimizer().step(kernels, parameters);
        }
        return lossSum + penalty * rows;
    }
}
