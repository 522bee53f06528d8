package dev.jeras.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

import dev.jeras.IntTensor;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.kernels.SimdKernels;

/** Each loss against Keras's docstring examples and formulas, reduced as Keras's sum_over_batch_size. */
class LossesTest {

    private static final Tensor ONE_HOT = Tensor.of(new float[][] {{0, 1, 0}, {0, 0, 1}});
    private static final Tensor PROBS = Tensor.of(new float[][] {{0.05f, 0.95f, 0}, {0.1f, 0.8f, 0.1f}});

    @Test
    void categoricalCrossentropyDocstring() {
        // keras.losses.CategoricalCrossentropy: 1.177 (probabilities clipped to [1e-7, 1 - 1e-7]).
        assertThat(new CategoricalCrossentropy().call(ONE_HOT, PROBS)).isCloseTo(1.177f, offset(5e-4f));
        // Formula: -(log 0.95 + log 0.1) / 2.
        assertThat((double) new CategoricalCrossentropy().call(ONE_HOT, PROBS))
                .isCloseTo(-(Math.log(0.95) + Math.log(0.1)) / 2, offset(1e-5));
    }

    @Test
    void categoricalCrossentropyLabelSmoothingAndLogits() {
        // y = y * (1 - ls) + ls / classes; from logits: -sum(y * log_softmax(z)).
        Tensor logits = Tensor.of(new float[][] {{2, -1, 0.5f}});
        Tensor y = Tensor.of(new float[][] {{0, 0, 1}});
        double[] z = {2, -1, 0.5};
        double lse = Math.log(Math.exp(2) + Math.exp(-1) + Math.exp(0.5));
        double ls = 0.3;
        double expected = 0;
        for (int j = 0; j < 3; j++) {
            double t = (j == 2 ? 1 : 0) * (1 - ls) + ls / 3;
            expected -= t * (z[j] - lse);
        }
        assertThat((double) new CategoricalCrossentropy(true, ls).call(y, logits)).isCloseTo(expected, offset(1e-5));
        // Unnormalised probabilities are scaled to sum to 1 first, as Keras does.
        Tensor scaled = Tensor.of(new float[][] {{0.1f, 1.9f, 0}, {0.2f, 1.6f, 0.2f}});
        assertThat(new CategoricalCrossentropy().call(ONE_HOT, scaled)).isCloseTo(1.177f, offset(5e-4f));
    }

    @Test
    void binaryCrossentropyDocstring() {
        // keras.losses.BinaryCrossentropy(from_logits=True): y_true [0, 1, 0, 0], logits [-18.6, 0.51, 2.94, -12.8] -> 0.865.
        Tensor y = Tensor.of(new float[] {0, 1, 0, 0}, 4, 1);
        Tensor logits = Tensor.of(new float[] {-18.6f, 0.51f, 2.94f, -12.8f}, 4, 1);
        assertThat(new BinaryCrossentropy(true).call(y, logits)).isCloseTo(0.865f, offset(5e-4f));
        // From probabilities: -mean(y log p + (1 - y) log(1 - p)), p clipped to [1e-7, 1 - 1e-7].
        Tensor p = Tensor.of(new float[] {0.1f, 0.7f, 1f, 0f}, 4, 1);
        double expected = -(Math.log(0.9) + Math.log(0.7) + Math.log(1e-7) + Math.log(1 - 1e-7)) / 4;
        assertThat((double) new BinaryCrossentropy().call(y, p)).isCloseTo(expected, offset(1e-4));
        // Label smoothing: y = y * (1 - ls) + 0.5 * ls.
        double ls = 0.2;
        double t = 1 * (1 - ls) + 0.5 * ls;
        double smoothed = -(t * Math.log(0.7) + (1 - t) * Math.log(0.3));
        assertThat((double) new BinaryCrossentropy(false, ls).call(Tensor.of(new float[] {1}, 1, 1), Tensor.of(new float[] {0.7f}, 1, 1)))
                .isCloseTo(smoothed, offset(1e-5));
        // Class indices 0/1 work as targets for one output, as Keras's 0/1 labels do.
        assertThat(new BinaryCrossentropy(true).call(IntTensor.of(new int[] {0, 1, 0, 0}, 4), logits)).isCloseTo(0.865f, offset(5e-4f));
    }

    @Test
    void regressionLossDocstrings() {
        Tensor yTrue = Tensor.of(new float[][] {{0, 1}, {0, 0}});
        Tensor yPred = Tensor.of(new float[][] {{1, 1}, {1, 0}});
        assertThat(new MeanSquaredError().call(yTrue, yPred)).isCloseTo(0.5f, offset(1e-6f));
        assertThat(new MeanAbsoluteError().call(yTrue, yPred)).isCloseTo(0.5f, offset(1e-6f));
        // keras.losses.Huber: y_pred [[0.6, 0.4], [0.4, 0.6]] -> 0.155.
        Tensor h = Tensor.of(new float[][] {{0.6f, 0.4f}, {0.4f, 0.6f}});
        assertThat(new Huber().call(yTrue, h)).isCloseTo(0.155f, offset(1e-6f));
        // Huber beyond delta: delta * (|e| - delta / 2); delta 0.5, error 2 -> 0.875.
        assertThat(new Huber(0.5).call(Tensor.of(new float[] {0}, 1, 1), Tensor.of(new float[] {2}, 1, 1)))
                .isCloseTo(0.875f, offset(1e-6f));
    }

    @Test
    void sampleWeightsScaleEachSampleAndTheSumIsOverTheBatch() {
        // sum_over_batch_size: sum(w_i * l_i) / batch, not / sum(w).
        Tensor yTrue = Tensor.of(new float[][] {{0, 1}, {0, 0}});
        Tensor yPred = Tensor.of(new float[][] {{1, 1}, {1, 0}});
        float[] w = {0.5f, 2f};
        double sum = new MeanSquaredError().sum(new ScalarKernels(), yPred, Targets.of(yTrue), w, null, 0);
        assertThat(sum / 2).isCloseTo((0.5 * 0.5 + 2 * 0.5) / 2, offset(1e-6));

        Tensor logits = Tensor.of(new float[][] {{1, 2, 3}, {3, 1, 0}});
        Targets labels = Targets.of(IntTensor.of(new int[] {2, 1}, 2));
        double l0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
        double l1 = Math.log(Math.exp(3) + Math.exp(1) + 1) - 1;
        for (var kernels : new dev.jeras.kernels.Kernels[] {new ScalarKernels(), new SimdKernels()}) {
            double weighted = new SparseCategoricalCrossentropy(true).sum(kernels, logits, labels, new float[] {3, 0.5f}, null, 0);
            assertThat(weighted).as(kernels.name()).isCloseTo(3 * l0 + 0.5 * l1, offset(1e-5));
        }
    }

    @Test
    void wrongTargetsAreNamed() {
        assertThatThrownBy(() -> new CategoricalCrossentropy().call(IntTensor.of(new int[] {1, 2}, 2), PROBS))
                .hasMessageContaining("one-hot");
        assertThatThrownBy(() -> new MeanSquaredError().call(Tensor.of(new float[] {1, 2}, 2), PROBS))
                .hasMessageContaining("values per sample");
        assertThatThrownBy(() -> new SparseCategoricalCrossentropy().call(IntTensor.of(new int[] {1, 3}, 2), PROBS))
                .hasMessageContaining("label 3 at index 1 is out of range");
    }
}
