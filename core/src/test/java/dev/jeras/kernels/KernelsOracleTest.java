package dev.jeras.kernels;

import java.util.stream.Stream;

import org.junit.jupiter.api.Named;

import dev.jeras.kernels.contract.KernelsContract;

/**
 * {@link SimdKernels} against the scalar oracle at this JVM's vector width, on one thread and on
 * three; the build runs it again at 128 and 256 bits through {@code -Djeras.simd.bits}.
 */
class KernelsOracleTest extends KernelsContract {

    @Override
    protected Stream<Named<Kernels>> implementations() {
        // On one thread, and on three: the worker pool on, with an odd split.
        return Stream.of(Named.of("simd-" + SimdKernels.vectorBits(), new SimdKernels(1)),
                Named.of("simd-" + SimdKernels.vectorBits() + "-3-threads", new SimdKernels(3, true)));
    }
}
