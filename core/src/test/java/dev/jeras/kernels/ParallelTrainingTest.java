package dev.jeras.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Parameter;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;

/**
 * Training is bit-identical for any number of threads: the kernels split outputs (blocks of C,
 * ranges of an array), or add depth blocks in a fixed order, never anything that depends on how
 * many threads there are. The model is the quickstart's, large enough that the splits of a training
 * step happen: the first layer's forward GEMM by depth, its weight gradient by rows, Adam by ranges,
 * and at batch 256 the second layer's GEMMs and the element-wise passes too. The kernels split from
 * the first call, before C2 has compiled them, as they otherwise would not.
 */
class ParallelTrainingTest {

    @Test
    void everyWeightIsBitIdenticalOnOneTwoAndThreeThreads() {
        List<int[]> weights1 = train(1);
        List<int[]> weights2 = train(2);
        List<int[]> weights3 = train(3);
        assertThat(weights1).hasSize(4);
        for (int p = 0; p < weights1.size(); p++) {
            assertThat(weights2.get(p)).as("parameter %d, 2 threads against 1", p).containsExactly(weights1.get(p));
            assertThat(weights3.get(p)).as("parameter %d, 3 threads against 1", p).containsExactly(weights1.get(p));
        }
    }

    /** 200 steps at batch 32 and 25 at batch 256 on MNIST-shaped bytes; the raw bits of every weight. */
    private static List<int[]> train(int threads) {
        int n = 6400;
        SplittableRandom rng = new SplittableRandom(42);
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) rng.nextInt(10);
            for (int j = 0; j < 784; j++) {
                int row = j / 28;
                int col = j % 28;
                boolean border = row < 4 || row > 23 || col < 4 || col > 23; // MNIST's blank border
                pixels[i * 784 + j] = border ? 0 : (byte) (rng.nextInt(256) * ((j + labels[i]) % 3) / 2);
            }
        }
        Tensor x = UInt8Tensor.wrap(pixels, n, 28, 28).div(255f);
        UInt8Tensor y = UInt8Tensor.wrap(labels, n);
        Sequential model = new Sequential(new Flatten(28, 28), new Dense(128, Activation.RELU), new Dropout(0.2), new Dense(10))
                .useKernels(new SimdKernels(threads, true)).seed(7);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        model.fit(x, y, FitOptions.epochs(1).verbose(0).seed(3));
        model.fit(x, y, FitOptions.epochs(1).batchSize(256).verbose(0).seed(4));
        List<int[]> bits = new ArrayList<>();
        for (Parameter p : model.trainableWeights()) {
            float[] values = p.value().toArray();
            int[] raw = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                raw[i] = Float.floatToRawIntBits(values[i]);
            }
            bits.add(raw);
        }
        return bits;
    }
}
