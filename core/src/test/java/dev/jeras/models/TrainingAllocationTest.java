package dev.jeras.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.GradientCheckTest;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.optimizers.Adam;

/**
 * A training step allocates nothing. Two more epochs (2,000 more steps) may add only what each epoch
 * makes (its result, history entries, and what the JIT's recompilations leave): the bound is 8 bytes
 * per step, and the smallest Java object is 16 bytes, so any allocation per step fails it.
 *
 * <p>It trains on the scalar kernels on purpose: this checks jeras's own code (layers, buffers, the
 * loop), deterministically. Vector API code allocates until C2 has compiled it, so whether the SIMD
 * kernels allocate depends on the JIT's progress; the JMH TrainStepBenchmark with {@code -prof gc}
 * measures that once the code is compiled.
 */
class TrainingAllocationTest {

    @Test
    void trainingStepsAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SplittableRandom rng = new SplittableRandom(1);
        int n = 32_000; // 1,000 steps per epoch
        Tensor x = GradientCheckTest.randomTensor(rng, n, 8, 8);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) rng.nextInt(10);
        }
        UInt8Tensor y = UInt8Tensor.wrap(labels, n);
        Sequential model = new Sequential(new Flatten(8, 8), new Dense(32, Activation.RELU), new Dropout(0.2), new Dense(10))
                .useKernels(new ScalarKernels()).seed(1);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        model.fit(x, y, FitOptions.epochs(2).verbose(0)); // warm up: buffers, JIT

        long before = threads.getCurrentThreadAllocatedBytes();
        model.fit(x, y, FitOptions.epochs(1).verbose(0));
        long oneEpoch = threads.getCurrentThreadAllocatedBytes() - before;

        before = threads.getCurrentThreadAllocatedBytes();
        model.fit(x, y, FitOptions.epochs(3).verbose(0));
        long threeEpochs = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(threeEpochs - oneEpoch).as("bytes allocated by 2,000 extra training steps").isLessThan(16_000);
    }

    @Test
    void trainOnBatchAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Tensor x = GradientCheckTest.randomTensor(new SplittableRandom(2), 32, 8, 8);
        int[] labels = new int[32];
        for (int i = 0; i < 32; i++) {
            labels[i] = i % 10;
        }
        Sequential model = new Sequential(new Flatten(8, 8), new Dense(32, Activation.RELU), new Dropout(0.2), new Dense(10))
                .useKernels(new ScalarKernels()).seed(1);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        float first = model.trainOnBatch(x, labels);
        for (int i = 0; i < 200; i++) {
            model.trainOnBatch(x, labels);
        }
        // The least of three windows: a one-off allocation (the JIT rematerialising an object it had
        // optimised away when it deoptimises, say) must not count; one per call shows in every window.
        long allocated = Long.MAX_VALUE;
        float last = 0;
        for (int window = 0; window < 3; window++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) {
                last = model.trainOnBatch(x, labels);
            }
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }

        assertThat(allocated).as("bytes allocated by 1,000 calls of trainOnBatch").isLessThan(1000);
        assertThat(last).as("the batch is learnt").isLessThan(first * 0.5f);
    }

    /**
     * A whole fit on the SIMD kernels with the worker pool on allocates nothing per step once C2 has
     * compiled the kernels (before that, Vector API code allocates every vector, which is why the
     * test first trains until an epoch allocates next to nothing). Counted on the calling thread and
     * on the pool's workers.
     */
    @Test
    void aFitOnTheSimdKernelsWithThreadsAllocatesNothingPerStepOnceCompiled() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SplittableRandom rng = new SplittableRandom(5);
        int n = 3200; // 100 steps per epoch
        byte[] pixels = new byte[n * 784];
        rng.nextBytes(pixels);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) rng.nextInt(10);
        }
        Tensor x = UInt8Tensor.wrap(pixels, n, 28, 28).div(255f);
        UInt8Tensor y = UInt8Tensor.wrap(labels, n);
        Sequential model = new Sequential(new Flatten(28, 28), new Dense(128, Activation.RELU), new Dropout(0.2), new Dense(10))
                .useKernels(new dev.jeras.kernels.SimdKernels(2)).seed(1);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");

        // Warm up until an epoch allocates next to nothing while the pool splits work (it starts to
        // once the kernels run compiled and the JIT has gone quiet).
        long epoch = Long.MAX_VALUE;
        boolean split = false;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while ((epoch > 100_000 || !split) && System.nanoTime() < deadline) {
            long cpu = workerCpuNanos(threads);
            long before = allocated(threads);
            model.fit(x, y, FitOptions.epochs(1).verbose(0));
            epoch = allocated(threads) - before;
            split = workerCpuNanos(threads) > cpu;
        }
        assertThat(split).as("the kernels split work with a worker thread within a minute of training").isTrue();
        assertThat(epoch).as("bytes of a fit after C2 compiled the kernels (warm-up did not settle within a minute)").isLessThan(100_000);

        long workerTime = workerCpuNanos(threads);
        long before = allocated(threads);
        model.fit(x, y, FitOptions.epochs(1).verbose(0));
        long oneEpoch = allocated(threads) - before;
        before = allocated(threads);
        model.fit(x, y, FitOptions.epochs(3).verbose(0));
        long threeEpochs = allocated(threads) - before;
        assertThat(threeEpochs - oneEpoch).as("bytes allocated by 200 extra steps, on the caller and the workers").isLessThan(3_200);
        assertThat(workerCpuNanos(threads)).as("the kernels, once compiled, split work with a worker thread").isGreaterThan(workerTime);
    }

    private static long workerCpuNanos(com.sun.management.ThreadMXBean threads) {
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("jeras-worker-2-")) {
                total += threads.getThreadCpuTime(t.threadId());
            }
        }
        return total;
    }

    /** Bytes allocated so far by this thread and by jeras's worker threads. */
    private static long allocated(com.sun.management.ThreadMXBean threads) {
        long total = threads.getCurrentThreadAllocatedBytes();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("jeras-worker-")) {
                total += threads.getThreadAllocatedBytes(t.threadId());
            }
        }
        return total;
    }
}
