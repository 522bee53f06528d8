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

import dev.jeras.kernels.Kernels;
import dev.jeras.optimizers.Adam;

/**
 * The element-wise passes of a quickstart step that the kernels split between threads, at batch 32
 * and 256: Adam over the first layer's 100,352 weights, the batch gather from MNIST-sized bytes
 * (60,000 random rows, so the rows come from memory as in training), bias with ReLU and dropout over
 * the hidden layer. Run with {@code -Djeras.threads=1} and {@code 2} to see where splitting pays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.VECTOR_API, Bench.NATIVE_ACCESS})
public class ElementwiseBenchmark {

    @Param({"32", "256"})
    public int batch;

    private Kernels kernels;
    private float[] w;
    private float[] g;
    private float[] m;
    private float[] v;
    private byte[] images;
    private int[] order;
    private float[] x;
    private float[] h;
    private float[] bias;
    private float[] mask;
    private int step;

    @Setup
    public void setup() {
        kernels = Bench.kernels("simd");
        int n = 784 * 128;
        w = Bench.random(n, 1);
        g = Bench.random(n, 2);
        m = new float[n];
        v = new float[n];
        images = new byte[60_000 * 784];
        new SplittableRandom(3).nextBytes(images);
        order = new int[60_000];
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < order.length; i++) {
            order[i] = rng.nextInt(60_000);
        }
        x = new float[batch * 784];
        h = Bench.random(batch * 128, 5);
        bias = Bench.random(128, 6);
        mask = new float[batch * 128];
    }

    @Benchmark
    public float[] adam() {
        kernels.adam(w, g, m, v, w.length, 1e-3f, 0.9f, 0.999f, 1e-7f);
        return w;
    }

    @Benchmark
    public float[] gather() {
        step = (step + batch) % (order.length - batch);
        kernels.gatherRows(images, 0, 784, order, step, batch, 255f, x, 0);
        return x;
    }

    @Benchmark
    public float[] biasReluDropout() {
        kernels.addBias(h, 0, batch, 128, bias, true);
        kernels.dropout(h, 0, h, 0, mask, batch * 128, 0.2f, ++step);
        return h;
    }
}
