package dev.jeras.blas;

import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;

import dev.jeras.kernels.Kernels;
import dev.jeras.kernels.contract.KernelsContract;

/** OpenBLAS's GEMM (and the inherited SIMD element-wise operations) against the scalar oracle. */
class OpenBlasKernelsTest extends KernelsContract {

    /**
     * Reports, as one visible skipped test with the reason, that OpenBLAS is absent (the parameterised
     * tests then have no cases); under -Djeras.kernels.require=openblas it fails instead.
     */
    @Test
    void openBlasLoads() {
        OpenBlas.assumeLoaded();
    }

    @Override
    protected Stream<Named<Kernels>> implementations() {
        OpenBlas.assumeLoaded();
        String description = Cblas.LOADED.binding().description();
        // Forced (every GEMM to OpenBLAS), on one thread and split into blocks over three.
        return Stream.of(Named.of("openblas", new OpenBlasKernels(description, 1, 0)),
                Named.of("openblas-3-threads", new OpenBlasKernels(description, 3, 0)));
    }
}
