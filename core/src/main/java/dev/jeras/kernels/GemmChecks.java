package dev.jeras.kernels;

/**
 * The argument checks of {@link Kernels#sgemm}, as a BLAS reference implementation makes them (netlib's
 * {@code AbstractBLAS.sgemm}, Lucene's {@code VectorUtil}): every size, offset and leading dimension,
 * and that each matrix fits in its array. Sizes are multiplied in {@code long}, so no product can
 * overflow into a bound that looks valid.
 */
final class GemmChecks {

    private GemmChecks() {
    }

    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        nonNegative("m", m);
        nonNegative("n", n);
        nonNegative("k", k);
        // Row-major storage: op(A) is m x k, so A itself is m x k, or k x m when transposed.
        matrix("A", a, aOff, "lda", lda, transA ? k : m, transA ? m : k, transA ? "k x m (transposed)" : "m x k");
        matrix("B", b, bOff, "ldb", ldb, transB ? n : k, transB ? k : n, transB ? "n x k (transposed)" : "k x n");
        matrix("C", c, cOff, "ldc", ldc, m, n, "m x n");
    }

    private static void nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("sgemm: " + name + " must not be negative, received " + value);
        }
    }

    /** A rows x cols matrix at {@code off} in {@code array}, rows {@code ld} apart. */
    private static void matrix(String name, float[] array, int off, String ldName, int ld, int rows, int cols, String layout) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: " + ldName + " must be at least max(1, " + cols + ") for " + name
                    + " stored " + layout + " row-major, received " + ld);
        }
        if (off < 0) {
            throw new IllegalArgumentException("sgemm: the offset of " + name + " must not be negative, received " + off);
        }
        if (rows == 0 || cols == 0) {
            return; // an empty matrix is never read or written
        }
        if (array == null) {
            throw new NullPointerException("sgemm: array " + name + " is null");
        }
        long end = off + (long) (rows - 1) * ld + cols;
        if (end > array.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + " x " + cols + ", " + ldName + " " + ld
                    + ", offset " + off + ") needs an array of at least " + end + " floats, received " + array.length);
        }
    }
}
