package dev.jeras.blas;

import java.lang.foreign.MemorySegment;

import dev.jeras.kernels.SimdKernels;

/**
 * GEMM through OpenBLAS's {@code cblas_sgemm}; every element-wise operation from {@link SimdKernels}.
 *
 * <p>jeras's heap {@code float[]} storage is passed as heap segments to a critical downcall
 * ({@code Linker.Option.critical(true)}), so nothing is copied. A critical call holds off garbage
 * collection while it runs, which suits GEMMs of milliseconds, not minutes.
 */
final class OpenBlasKernels extends SimdKernels {

    private final String name;

    OpenBlasKernels(String description) {
        this.name = description + " + " + super.name();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0 || k <= 0) {
            // CBLAS rejects a leading dimension of 0, which an empty operand may carry; nothing to multiply anyway.
            super.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        try {
            Cblas.SGEMM_HANDLE.invokeExact(Cblas.ROW_MAJOR,
                    transA ? Cblas.TRANS : Cblas.NO_TRANS, transB ? Cblas.TRANS : Cblas.NO_TRANS,
                    m, n, k, alpha,
                    MemorySegment.ofArray(a).asSlice((long) aOff * Float.BYTES), lda,
                    MemorySegment.ofArray(b).asSlice((long) bOff * Float.BYTES), ldb,
                    beta,
                    MemorySegment.ofArray(c).asSlice((long) cOff * Float.BYTES), ldc);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_sgemm failed", e);
        }
    }
}
