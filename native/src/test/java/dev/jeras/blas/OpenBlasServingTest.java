package dev.jeras.blas;

import org.junit.jupiter.api.Test;

import dev.jeras.kernels.contract.ConcurrentPredict;

/** One model served from 8 threads with every GEMM in OpenBLAS: each prediction equals a single thread's, bit for bit. */
class OpenBlasServingTest {

    @Test
    void concurrentPredictionsEqualSingleThreadedOnes() throws Exception {
        OpenBlas.assumeLoaded();
        OpenBlasKernels kernels = new OpenBlasKernels(Cblas.LOADED.binding().description(), 2, 0);
        ConcurrentPredict.check(ConcurrentPredict.trainedModel(kernels));
    }
}
