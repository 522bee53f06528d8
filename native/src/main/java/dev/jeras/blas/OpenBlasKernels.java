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
    /** Per thread, so that a shared instance stays thread-safe. */
    private final ThreadLocal<Segments> segments = ThreadLocal.withInitial(Segments::new);

    /**
     * The heap segments of the last few (array, offset) pairs. A training step multiplies the same
     * dozen buffers every time; making their segments anew per call allocates whenever C2 does not
     * scalar-replace them (measured: 670 bytes per Dense forward and backward). Holds at most
     * {@link #SIZE} arrays per thread alive.
     */
    private static final class Segments {
        static final int SIZE = 16;
        private final float[][] arrays = new float[SIZE][];
        private final int[] offsets = new int[SIZE];
        private final MemorySegment[] cached = new MemorySegment[SIZE];
        private int next;

        MemorySegment of(float[] array, int offset) {
            for (int i = 0; i < SIZE; i++) {
                if (arrays[i] == array && offsets[i] == offset) {
                    return cached[i];
                }
            }
            int i = next;
            next = (next + 1) % SIZE;
            arrays[i] = array;
            offsets[i] = offset;
            cached[i] = MemorySegment.ofArray(array).asSlice((long) offset * Float.BYTES);
            return cached[i];
        }
    }

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
        Segments segs = segments.get();
        try {
            Cblas.SGEMM_HANDLE.invokeExact(Cblas.ROW_MAJOR,
                    transA ? Cblas.TRANS : Cblas.NO_TRANS, transB ? Cblas.TRANS : Cblas.NO_TRANS,
                    m, n, k, alpha,
                    segs.of(a, aOff), lda, segs.of(b, bOff), ldb,
                    beta, segs.of(c, cOff), ldc);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_sgemm failed", e);
        }
    }
}
