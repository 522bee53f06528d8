package dev.jeras;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.jeras.kernels.ScalarKernels;

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
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), Metric.ACCURACY);
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
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), Metric.ACCURACY);
        float first = model.trainOnBatch(x, labels);
        for (int i = 0; i < 200; i++) {
            model.trainOnBatch(x, labels);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        float last = 0;
        for (int i = 0; i < 1000; i++) {
            last = model.trainOnBatch(x, labels);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by 1,000 calls of trainOnBatch").isLessThan(1000);
        assertThat(last).as("the batch is learnt").isLessThan(first * 0.5f);
    }
}
