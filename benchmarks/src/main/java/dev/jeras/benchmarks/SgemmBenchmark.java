package dev.jeras.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
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
import dev.jeras.kernels.Kernels;

/**
 * {@code C = A.B} at the shapes the quickstart runs (batch 32 and 256) and at squares, per kernels,
 * on {@code -Djeras.threads} threads (OpenBLAS forced: every GEMM through it).
 * Data is built in {@link #setup}; the benchmark only multiplies and returns C. GFLOP/s is
 * {@code 2mnk / time}, computed by {@link BenchmarkReport}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.VECTOR_API, Bench.NATIVE_ACCESS})
public class SgemmBenchmark {

    /** A GEMM shape: C is m x n, the depth is k, and which operand is transposed. */
    record Shape(String label, int m, int n, int k, boolean transA, boolean transB) {
        long flops() {
            return 2L * m * n * k;
        }
    }

    /** The shapes by parameter value, in report order. */
    static final Map<String, Shape> SHAPES = shapes();

    private static Map<String, Shape> shapes() {
        Map<String, Shape> s = new LinkedHashMap<>();
        for (int batch : new int[] {32, 256}) {
            String b = "b" + batch;
            s.put(b + "-fwd1", new Shape("x.W1 (" + batch + "x784).(784x128)", batch, 128, 784, false, false));
            s.put(b + "-fwd2", new Shape("h.W2 (" + batch + "x128).(128x10)", batch, 10, 128, false, false));
            s.put(b + "-dW1", new Shape("dW1 (784x" + batch + ").(" + batch + "x128)", 784, 128, batch, true, false));
            s.put(b + "-dW2", new Shape("dW2 (128x" + batch + ").(" + batch + "x10)", 128, 10, batch, true, false));
            s.put(b + "-dh", new Shape("dh (" + batch + "x10).(10x128)", batch, 128, 10, false, true));
        }
        for (int n : new int[] {128, 256, 512, 1024}) {
            s.put("sq" + n, new Shape(n + "^3", n, n, n, false, false));
        }
        return s;
    }

    @Param({"scalar", "simd", "openblas"})
    public String kernels;

    @Param({"b32-fwd1", "b32-fwd2", "b32-dW1", "b32-dW2", "b32-dh",
            "b256-fwd1", "b256-fwd2", "b256-dW1", "b256-dW2", "b256-dh",
            "sq128", "sq256", "sq512", "sq1024"})
    public String shape;

    private Kernels impl;
    private Shape s;
    private float[] a;
    private float[] b;
    private float[] c;
    private int lda;
    private int ldb;

    @Setup
    public void setup() {
        impl = Bench.kernels(kernels);
        s = SHAPES.get(shape);
        a = Bench.random(s.m() * s.k(), 1);
        b = Bench.random(s.k() * s.n(), 2);
        c = new float[s.m() * s.n()];
        lda = s.transA() ? s.m() : s.k();
        ldb = s.transB() ? s.k() : s.n();
    }

    @Benchmark
    public float[] sgemm() {
        impl.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, s.n());
        return c;
    }
}
