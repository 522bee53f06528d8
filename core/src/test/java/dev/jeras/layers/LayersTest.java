package dev.jeras.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.kernels.SimdKernels;
import dev.jeras.models.Sequential;

/** The layers' numbers in training and inference. */
class LayersTest {

    @Test
    void dropoutDropsItsRateScalesTheRestAndIsTheIdentityInInference() {
        for (var kernels : new dev.jeras.kernels.Kernels[] {new ScalarKernels(), new SimdKernels()}) {
            double rate = 0.3;
            Dropout dropout = new Dropout(rate);
            dropout.build(Shape.of(1000), kernels, new SplittableRandom(1));
            Tensor x = Tensor.zeros(100, 1000);
            java.util.Arrays.fill(x.array(), 2f);
            float[] y = dropout.forward(x, true).toArray();
            int n = y.length;
            long dropped = 0;
            for (float v : y) {
                if (v == 0f) {
                    dropped++;
                } else {
                    assertThat(v).as("kept values are scaled by 1 / (1 - rate)").isEqualTo((float) (2 / (1 - rate)));
                }
            }
            double sigma = Math.sqrt(n * rate * (1 - rate));
            assertThat((double) dropped).as(kernels.name() + ": dropped count within 3 sigma of n * rate")
                    .isCloseTo(n * rate, offset(3 * sigma));
            assertThat(dropout.forward(x, false).toArray()).as("inference is the identity").containsOnly(2f);
        }
    }

    @Test
    void batchNormalizationUsesBatchStatisticsInTrainingAndMovingOnesInInference() {
        BatchNormalization bn = new BatchNormalization().named("bn"); // Keras: momentum 0.99, epsilon 1e-3
        bn.build(Shape.of(2), new ScalarKernels(), new SplittableRandom(1));
        Tensor x = Tensor.of(new float[][] {{1, 10}, {3, 20}, {5, 60}});
        float[] y = bn.forward(x, true).toArray();
        // Feature 0: mean 3, variance 8/3 (biased, as Keras); y = (x - mean) / sqrt(var + 1e-3).
        double inv = 1 / Math.sqrt(8.0 / 3 + 1e-3);
        assertThat(y[0]).isCloseTo((float) (-2 * inv), offset(1e-5f));
        assertThat(y[4]).isCloseTo((float) (2 * inv), offset(1e-5f));
        // Moving statistics: moving = moving * 0.99 + batch * 0.01, from 0 and 1.
        float[] mean = bn.nonTrainableWeights().get(0).value().toArray();
        float[] var = bn.nonTrainableWeights().get(1).value().toArray();
        assertThat(mean[0]).isCloseTo(0.03f, offset(1e-6f));
        assertThat(var[0]).isCloseTo((float) (0.99 + 0.01 * 8.0 / 3), offset(1e-6f));
        // Inference: (x - moving_mean) / sqrt(moving_var + eps) * gamma + beta.
        float[] z = bn.forward(Tensor.of(new float[][] {{1, 10}}), false).toArray();
        assertThat(z[0]).isCloseTo((float) ((1 - 0.03) / Math.sqrt(var[0] + 1e-3)), offset(1e-5f));
        assertThat(bn.weights()).extracting(Parameter::name)
                .containsExactly("bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance");
    }

    /** A feature that stops firing decays the moving statistics by the momentum per step: to zero, never subnormal. */
    @Test
    void batchNormalizationKeepsNoSubnormalMovingStatistics() {
        BatchNormalization bn = new BatchNormalization(0.5, 1e-3);
        bn.build(Shape.of(2), new ScalarKernels(), new SplittableRandom(1));
        bn.forward(Tensor.of(new float[][] {{1, 3}, {2, 5}}), true);
        Tensor silent = Tensor.zeros(2, 2);
        for (int step = 0; step < 200; step++) {
            bn.forward(silent, true);
            for (Parameter p : bn.nonTrainableWeights()) {
                for (float v : p.value().toArray()) {
                    assertThat(v == 0f || Math.abs(v) >= Float.MIN_NORMAL).as("step %d: %s in %s", step, v, p.name()).isTrue();
                }
            }
        }
        assertThat(bn.nonTrainableWeights().get(0).value().toArray()).containsOnly(0f);
    }

    @Test
    void rescalingInputAndAdd() {
        Tensor y = new Rescaling(1 / 255.0, -1).apply(Tensor.of(new float[][] {{0, 255, 51}}));
        assertThat(y.toArray()).containsExactly(new float[] {-1, 0, -0.8f}, offset(1e-6f));

        Sequential model = new Sequential().add(new Input(3)).add(new Dense(2));
        model.seed(1).output(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).summary();
        assertThat(model.inputShape()).isEqualTo(Shape.of(3));
        assertThat(model.layers()).hasSize(1);
        assertThatThrownBy(() -> model.add(new Dense(2))).hasMessageContaining("already built");
        assertThatThrownBy(() -> new Sequential(new Dense(2), new Input(3))).hasMessageContaining("Input may only come first");
        assertThatThrownBy(() -> new Sequential().apply(Tensor.zeros(1, 3))).hasMessageContaining("no layers");
    }
}
