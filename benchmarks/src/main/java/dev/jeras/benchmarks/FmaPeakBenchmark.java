package dev.jeras.benchmarks;

import java.util.concurrent.TimeUnit;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's FP32 fused multiply-add peak through the Vector API: twelve independent accumulators
 * (more than latency times throughput on any current core), nothing loaded or stored in the loop.
 * Run on 1 thread and on 2 ({@code -t 2}): every other figure is stated as a fraction of it. One
 * operation is one vector FMA, {@code 2 * lanes} floating-point operations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.VECTOR_API})
public class FmaPeakBenchmark {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int ITERATIONS = 1000;
    static final int ACCUMULATORS = 12;

    private float x;
    private float y;

    @Setup
    public void setup() {
        x = 0.999999f;
        y = 1e-7f;
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS * ACCUMULATORS)
    public float fma() {
        FloatVector m = FloatVector.broadcast(SPECIES, x);
        FloatVector d = FloatVector.broadcast(SPECIES, y);
        FloatVector a0 = FloatVector.broadcast(SPECIES, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = a0.fma(m, d);
            a1 = a1.fma(m, d);
            a2 = a2.fma(m, d);
            a3 = a3.fma(m, d);
            a4 = a4.fma(m, d);
            a5 = a5.fma(m, d);
            a6 = a6.fma(m, d);
            a7 = a7.fma(m, d);
            a8 = a8.fma(m, d);
            a9 = a9.fma(m, d);
            a10 = a10.fma(m, d);
            a11 = a11.fma(m, d);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** GFLOP/s from JMH's vector FMAs per microsecond (summed over threads). */
    static double gflops(double fmasPerMicrosecond) {
        return fmasPerMicrosecond * 2 * SPECIES.length() / 1e3;
    }
}
