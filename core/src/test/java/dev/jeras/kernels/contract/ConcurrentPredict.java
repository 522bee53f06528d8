package dev.jeras.kernels.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;

/**
 * The serving check, for any kernels (the OpenBLAS tests in {@code native/} run it too): one trained
 * model, 8 threads x 200 {@code predict} calls on different inputs started together, each result
 * bitwise equal to what a single thread computed for the same input beforehand.
 */
public final class ConcurrentPredict {

    public static final int THREADS = 8;
    public static final int CALLS = 200;

    private ConcurrentPredict() {
    }

    /** A quickstart-shaped model on {@code kernels}, trained a few steps so that no weight is at its initial value. */
    public static Sequential trainedModel(Kernels kernels) {
        Sequential model = new Sequential(new Flatten(28, 28), new Dense(128, Activation.RELU), new Dropout(0.2), new Dense(10))
                .seed(7).useKernels(kernels);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true));
        SplittableRandom rng = new SplittableRandom(3);
        for (int step = 0; step < 5; step++) {
            model.trainOnBatch(input(rng, 32), labels(rng, 32));
        }
        return model;
    }

    /** Checks that concurrent predictions equal single-threaded ones bit for bit. */
    public static void check(Sequential model) throws Exception {
        SplittableRandom rng = new SplittableRandom(11);
        Tensor[][] inputs = new Tensor[THREADS][CALLS];
        float[][][] expected = new float[THREADS][CALLS][];
        for (int t = 0; t < THREADS; t++) {
            for (int c = 0; c < CALLS; c++) {
                // 1 to 40 samples: a whole batch of 32 and partial ones, so buffers of several sizes are in play
                inputs[t][c] = input(rng, 1 + rng.nextInt(40));
                expected[t][c] = model.predict(inputs[t][c]).toArray();
            }
        }
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    int wrong = 0;
                    for (int c = 0; c < CALLS; c++) {
                        float[] actual = model.predict(inputs[thread][c]).toArray();
                        if (!bitwiseEqual(actual, expected[thread][c])) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            int wrong = 0;
            for (Future<Integer> f : results) {
                wrong += f.get(5, TimeUnit.MINUTES);
            }
            assertThat(wrong).as("predictions that differ from a single thread's, of " + THREADS * CALLS).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    public static Tensor input(SplittableRandom rng, int rows) {
        float[] x = new float[rows * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(4) == 0 ? rng.nextFloat() : 0f; // mostly dark, as MNIST is
        }
        return Tensor.of(x, rows, 28, 28);
    }

    public static int[] labels(SplittableRandom rng, int rows) {
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rng.nextInt(10);
        }
        return y;
    }

    private static boolean bitwiseEqual(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return false;
            }
        }
        return true;
    }
}
