package dev.jeras.benchmarks;

import java.util.SplittableRandom;
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

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.layers.Dense;

/**
 * The quickstart's first layer, Dense(784 -> 128, relu), forward and backward at batch 32 as in
 * training (no input gradient: nothing before it needs one). Run with {@code -prof gc} to see the
 * bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.VECTOR_API, Bench.NATIVE_ACCESS})
public class DenseBenchmark {

    @Param({"scalar", "simd", "openblas"})
    public String kernels;

    private Dense dense;
    private Tensor x;
    private Tensor dy;
    private Tensor kernelGradient;

    @Setup
    public void setup() {
        dense = new Dense(128, Activation.RELU);
        dense.build(Shape.of(784), Bench.kernels(kernels), new SplittableRandom(1));
        x = Tensor.of(Bench.random(32 * 784, 3), 32, 784);
        dy = Tensor.of(Bench.random(32 * 128, 4), 32, 128);
        kernelGradient = dense.trainableWeights().get(0).gradient();
    }

    /** Forward then backward; backward zeroes dy where the ReLU was off, the same positions every time. */
    @Benchmark
    public Tensor forwardBackward() {
        dense.forward(x, true);
        dense.backward(dy, false);
        return kernelGradient;
    }
}
