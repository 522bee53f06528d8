package dev.jeras.kernels;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@link Kernels#sgemm} checks every argument before any kernel (or native library) sees it, and
 * names the one that is wrong. A 2 x 3 times 3 x 4 product in arrays of exactly the right size is
 * the starting point; each case spoils one argument.
 */
class GemmChecksTest {

    private final Kernels kernels = new ScalarKernels();
    private final float[] a = new float[6];
    private final float[] b = new float[12];
    private final float[] c = new float[8];

    @Test
    void aCorrectCallPasses() {
        assertThatCode(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, a, 0, 3, b, 0, 4, 0f, c, 0, 4)).doesNotThrowAnyException();
        assertThatCode(() -> kernels.sgemm(true, true, 2, 4, 3, 1f, a, 0, 2, b, 0, 3, 0f, c, 0, 4)).doesNotThrowAnyException();
        assertThatCode(() -> kernels.sgemm(false, false, 0, 4, 3, 1f, null, 0, 3, b, 0, 4, 0f, c, 0, 4))
                .as("an empty A is not read, so it may be null").doesNotThrowAnyException();
    }

    @Test
    void eachBadArgumentIsNamed() {
        assertThatThrownBy(() -> kernels.sgemm(false, false, -1, 4, 3, 1f, a, 0, 3, b, 0, 4, 0f, c, 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sgemm: m must not be negative, received -1");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, -4, 3, 1f, a, 0, 3, b, 0, 4, 0f, c, 0, 4))
                .hasMessage("sgemm: n must not be negative, received -4");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, -3, 1f, a, 0, 3, b, 0, 4, 0f, c, 0, 4))
                .hasMessage("sgemm: k must not be negative, received -3");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, a, 0, 2, b, 0, 4, 0f, c, 0, 4))
                .hasMessage("sgemm: lda must be at least max(1, 3) for A stored m x k row-major, received 2");
        assertThatThrownBy(() -> kernels.sgemm(true, false, 2, 4, 3, 1f, a, 0, 1, b, 0, 4, 0f, c, 0, 4))
                .hasMessage("sgemm: lda must be at least max(1, 2) for A stored k x m (transposed) row-major, received 1");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 4))
                .hasMessageStartingWith("sgemm: ldb must be at least max(1, 4) for B stored k x n");
        assertThatThrownBy(() -> kernels.sgemm(false, true, 2, 4, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 4))
                .hasMessageStartingWith("sgemm: ldb must be at least max(1, 3) for B stored n x k (transposed)");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, a, 0, 3, b, 0, 4, 0f, c, 0, 3))
                .hasMessageStartingWith("sgemm: ldc must be at least max(1, 4) for C");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 0, 1f, a, 0, 0, b, 0, 4, 0f, c, 0, 4))
                .as("a leading dimension of 0 is refused even for an empty matrix, as BLAS does")
                .hasMessageStartingWith("sgemm: lda must be at least max(1, 0)");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, a, -1, 3, b, 0, 4, 0f, c, 0, 4))
                .hasMessage("sgemm: the offset of A must not be negative, received -1");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, a, 1, 3, b, 0, 4, 0f, c, 0, 4))
                .hasMessage("sgemm: A (2 x 3, lda 3, offset 1) needs an array of at least 7 floats, received 6");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, a, 0, 3, new float[11], 0, 4, 0f, c, 0, 4))
                .hasMessage("sgemm: B (3 x 4, ldb 4, offset 0) needs an array of at least 12 floats, received 11");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, a, 0, 3, b, 0, 4, 0f, c, 1, 4))
                .hasMessage("sgemm: C (2 x 4, ldc 4, offset 1) needs an array of at least 9 floats, received 8");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, null, 0, 3, b, 0, 4, 0f, c, 0, 4))
                .isInstanceOf(NullPointerException.class).hasMessage("sgemm: array A is null");
    }

    @Test
    void sizesThatOverflowAnIntAreErrorsNotNegativeBounds() {
        // 100,000 x 100,000 overflows int arithmetic; computed in long, it is simply too large for the array.
        assertThatThrownBy(() -> kernels.sgemm(false, false, 100_000, 4, 100_000, 1f, a, 0, 100_000, b, 0, 4, 0f, c, 0, 4))
                .hasMessage("sgemm: A (100000 x 100000, lda 100000, offset 0) needs an array of at least 10000000000 floats, received 6");
        assertThatThrownBy(() -> kernels.sgemm(false, false, 2, 4, 3, 1f, a, Integer.MAX_VALUE, 3, b, 0, 4, 0f, c, 0, 4))
                .hasMessageContaining("needs an array of at least 2147483653 floats");
    }

    @Test
    void everyImplementationIsBehindTheChecks() {
        for (Kernels k : new Kernels[] {new ScalarKernels(), new SimdKernels(1), new SimdKernels(2)}) {
            assertThatThrownBy(() -> k.sgemm(false, false, 2, 4, 3, 1f, a, 0, 3, b, 0, 4, 0f, new float[7], 0, 4))
                    .as(k.name()).hasMessageContaining("C (2 x 4, ldc 4, offset 0) needs an array of at least 8 floats");
        }
    }
}
