package dev.jeras.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

import dev.jeras.IntTensor;
import dev.jeras.Targets;
import dev.jeras.Tensor;

/** Each metric against Keras's docstring examples (keras/src/metrics/*.py). */
class MetricsTest {

    private static double run(Metric m, Targets y, Tensor pred, float[] weights) {
        m.reset();
        m.update(y, pred, weights);
        return m.result();
    }

    @Test
    void accuracies() {
        // BinaryAccuracy: [[1], [1], [0], [0]] vs [[0.98], [1], [0], [0.6]] -> 0.75.
        Targets binary = Targets.of(Tensor.of(new float[] {1, 1, 0, 0}, 4, 1));
        Tensor binaryPred = Tensor.of(new float[] {0.98f, 1, 0, 0.6f}, 4, 1);
        assertThat(run(new BinaryAccuracy(), binary, binaryPred, null)).isCloseTo(0.75, offset(1e-9));
        assertThat(run(Metric.get("accuracy"), binary, binaryPred, null)).as("'accuracy' on one output is binary").isCloseTo(0.75, offset(1e-9));

        // CategoricalAccuracy: [[0, 0, 1], [0, 1, 0]] vs [[0.1, 0.9, 0.8], [0.05, 0.95, 0]] -> 0.5; weights [0.7, 0.3] -> 0.3.
        Tensor pred = Tensor.of(new float[][] {{0.1f, 0.9f, 0.8f}, {0.05f, 0.95f, 0}});
        Targets oneHot = Targets.of(Tensor.of(new float[][] {{0, 0, 1}, {0, 1, 0}}));
        assertThat(run(new CategoricalAccuracy(), oneHot, pred, null)).isCloseTo(0.5, offset(1e-9));
        assertThat(run(new CategoricalAccuracy(), oneHot, pred, new float[] {0.7f, 0.3f})).isCloseTo(0.3, offset(1e-7));
        assertThat(run(Metric.get("accuracy"), oneHot, pred, null)).isCloseTo(0.5, offset(1e-9));

        // SparseCategoricalAccuracy: [[2], [1]] -> 0.5.
        Targets sparse = Targets.of(IntTensor.of(new int[] {2, 1}, 2));
        assertThat(run(new SparseCategoricalAccuracy(), sparse, pred, null)).isCloseTo(0.5, offset(1e-9));
        assertThat(run(Metric.get("accuracy"), sparse, pred, null)).isCloseTo(0.5, offset(1e-9));

        // TopKCategoricalAccuracy(k=1) -> 0.5; with k = 2 the first sample's class 2 (0.8) is in the top two -> 1.
        assertThat(run(new TopKCategoricalAccuracy(1), oneHot, pred, null)).isCloseTo(0.5, offset(1e-9));
        assertThat(run(new TopKCategoricalAccuracy(2), oneHot, pred, null)).isCloseTo(1.0, offset(1e-9));
    }

    @Test
    void regressionMetrics() {
        // MeanAbsoluteError / MeanSquaredError: [[0, 1], [0, 0]] vs [[1, 1], [0, 0]] -> 0.25; weights [1, 0] -> 0.5.
        Targets y = Targets.of(Tensor.of(new float[][] {{0, 1}, {0, 0}}));
        Tensor pred = Tensor.of(new float[][] {{1, 1}, {0, 0}});
        assertThat(run(Metric.get("mae"), y, pred, null)).isCloseTo(0.25, offset(1e-9));
        assertThat(run(Metric.get("mae"), y, pred, new float[] {1, 0})).isCloseTo(0.5, offset(1e-9));
        assertThat(run(Metric.get("mse"), y, pred, null)).isCloseTo(0.25, offset(1e-9));
        assertThat(run(Metric.get("mse"), y, pred, new float[] {1, 0})).isCloseTo(0.5, offset(1e-9));
    }

    @Test
    void aucAsKerasDocstring() {
        // keras.metrics.AUC(num_thresholds=3): [0, 0, 1, 1] vs [0, 0.5, 0.3, 0.9] -> 0.75.
        Targets y = Targets.of(Tensor.of(new float[] {0, 0, 1, 1}, 4, 1));
        Tensor pred = Tensor.of(new float[] {0, 0.5f, 0.3f, 0.9f}, 4, 1);
        assertThat(run(new AUC(3), y, pred, null)).isCloseTo(0.75, offset(1e-6));
        // With Keras's default 200 thresholds a perfect ranking is 1 and a reversed one 0.
        assertThat(run(new AUC(), y, Tensor.of(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, 4, 1), null)).isCloseTo(1.0, offset(1e-6));
        assertThat(run(new AUC(), y, Tensor.of(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, 4, 1), null)).isCloseTo(0.0, offset(1e-6));
    }

    @Test
    void stateAccumulatesAcrossBatchesAndCopiesAreIndependent() {
        Metric m = Metric.get("accuracy");
        Targets y = Targets.of(IntTensor.of(new int[] {0}, 1));
        m.update(y, Tensor.of(new float[][] {{1, 0}}), null);
        Metric copy = m.copy();
        m.update(y, Tensor.of(new float[][] {{0, 1}}), null);
        assertThat(m.result()).isCloseTo(0.5, offset(1e-9));
        assertThat(copy.result()).as("a copy starts empty").isEqualTo(0);
        assertThatThrownBy(() -> Metric.get("f1")).hasMessageContaining("metric 'f1' is not one jeras has");
    }
}
