package dev.jeras.blas;

import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;

import dev.jeras.kernels.Kernels;
import dev.jeras.kernels.contract.KernelsContract;

/** OpenBLAS's GEMM (and the inherited SIMD element-wise operations) against the scalar oracle. */
class OpenBlasKernelsTest extends KernelsContract {

    /** Skips the class visibly, with the reason, when OpenBLAS is absent (fails instead under jeras.kernels.require). */
    @BeforeAll
    void requireOpenBlas() {
        OpenBlas.assumeLoaded();
    }

    @Override
    protected Stream<Named<Kernels>> implementations() {
        OpenBlas.assumeLoaded();
        return Stream.of(Named.of("openblas", new OpenBlasKernels(Cblas.LOADED.binding().description())));
    }
}
