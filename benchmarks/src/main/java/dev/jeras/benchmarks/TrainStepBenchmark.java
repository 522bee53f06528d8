package dev.jeras.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.jeras.Tensor;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;

/**
 * One whole training step of the quickstart model at batch 32 (forward with dropout, fused loss,
 * backward, Adam over 101,770 parameters), through {@code Sequential.trainOnBatch}, on
 * {@code -Djeras.threads} threads. With {@code -prof gc} it shows the bytes a step allocates; the
 * target is zero.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.VECTOR_API, Bench.NATIVE_ACCESS})
public class TrainStepBenchmark {

    @Param({"scalar", "simd", "openblas"})
    public String kernels;

    private Sequential model;
    private Tensor x;
    private int[] labels;

    @Setup
    public void setup() {
        model = Bench.quickstartModel(1).useKernels(Bench.kernels(kernels));
        float[] pixels = Bench.random(32 * 28 * 28, 5);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.abs(pixels[i]); // like MNIST scaled to [0, 1]
        }
        x = Tensor.of(pixels, 32, 28, 28);
        labels = new int[32];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 7) % 10;
        }
        model.trainOnBatch(x, labels);
    }

    @Benchmark
    public float step() {
        return model.trainOnBatch(x, labels);
    }
}
