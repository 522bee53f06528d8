package dev.jeras.blas;

import java.lang.foreign.MemorySegment;

import dev.jeras.kernels.SimdKernels;
import dev.jeras.layers.Dense;

/**
 * GEMM through OpenBLAS's {@code cblas_sgemm} where it pays; everything else from {@link SimdKernels}.
 *
 * <p>When chosen automatically, only GEMMs of at least {@link #AUTOMATIC_MIN_MACS} multiply-adds go to
 * OpenBLAS: at the quickstart's sizes the SIMD kernels are faster (docs/benchmarks.md). Forced with
 * {@code -Djeras.kernels=openblas}, every GEMM does. jeras's worker pool splits a large GEMM into
 * blocks of C as for SIMD, and OpenBLAS runs each block on one thread, unless
 * {@code -Djeras.blas.threads} says otherwise.
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

    /** GEMMs from this many multiply-adds go to OpenBLAS when it was not forced (measured: see docs/benchmarks.md). */
    static final long AUTOMATIC_MIN_MACS = 1L << 27;

    private final long minMacs;

    /**
     * SIMD kernels on {@code threads} threads that hand each block of a GEMM of at least
     * {@code minMacs} multiply-adds to OpenBLAS ({@code description} says which build).
     */
    OpenBlasKernels(String description, int threads, long minMacs) {
        super(threads);
        this.minMacs = minMacs;
        this.name = minMacs == 0
                ? description + " for every GEMM + " + super.name()
                : super.name() + " + " + description + " for GEMMs from " + minMacs + " multiply-adds";
    }

    @Override
    public String name() {
        return name;
    }

    /** Forced, every GEMM goes to OpenBLAS; otherwise those of at least {@link #AUTOMATIC_MIN_MACS} multiply-adds. */
    @Override
    protected boolean nativeGemm(int m, int n, int k) {
        return (long) m * n * k >= minMacs;
    }

    /** A block of such a GEMM through {@code cblas_sgemm}; its arguments were checked by {@code sgemm}. */
    @Override
    protected void nativeBlock(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
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
