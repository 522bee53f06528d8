package dev.jeras.kernels;

import static dev.jeras.kernels.SimdKernels.FMA;
import static dev.jeras.kernels.SimdKernels.LANES;
import static dev.jeras.kernels.SimdKernels.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * GEMM on the Vector API for one block of C, on the calling thread: packed panels of B and
 * register-blocked micro-kernels that broadcast single elements of A.
 *
 * <p>Every path computes an element of C the same way: for each block of depth ({@link #depthBlock}),
 * a fused multiply-add chain in increasing depth order starting from zero, then added to C. So the
 * value of {@code C[i][j]} depends only on row i of op(A) and column j of op(B), never on which
 * micro-kernel, edge case or slice of C computed it; that is what lets {@link SimdKernels} split C
 * between threads and still give bit-identical results for any number of them.
 *
 * <p>Vectors never cross a method boundary here, not even into a one-line helper: a
 * {@code FloatVector} passed to a call C2 declines to inline is boxed on every call, and C2 declines
 * more often than one would think (a helper compiled on its own during warm-up, boxing included,
 * is then too big to inline). So each fused multiply-add is written out, {@code FMA ? x.fma(b, c) :
 * x.mul(b).add(c)}, with {@code FMA} a constant C2 folds: fused only where HotSpot's UseFMA is on.
 */
final class SimdGemm {

    /**
     * Rows of C per micro-tile. Eight rows x two vectors = 16 accumulators, 2 panel vectors and a
     * broadcast need 19 of the 32 vector registers of AVX-512 (and of AArch64); where the CPU has 16
     * (AVX2), 4 rows (8 accumulators) avoid spilling.
     */
    static final int MR = SimdKernels.VECTOR_REGISTERS >= 32 ? 8 : 4;
    /** Largest depth of one block of B: a KC x (2 vectors) panel stays in L1 while the rows of A stream past it. */
    static final int KC = 256;
    /** Rows of A per block: 128 x 256 floats of A (128 KB) stay in L2 while every panel of B meets them. */
    static final int MC = 128;
    /** Columns of B packed at once: at most 256 x 2048 floats (2 MB), which stay in L2 or L3. */
    static final int NC = 2048;
    /** Panels of B a block of A must meet before packing it pays. */
    static final int PACK_A_PANELS = 8;
    /** Panel width: two vectors of C columns per micro-tile row. */
    static final int NR = 2 * LANES;
    /** Rows per tile of the narrow kernel (a C no wider than one vector). */
    static final int NARROW_ROWS = 8;

    /** Per-thread scratch: a packed panel of B (KC x NR), one tile of C, and a packed narrow B. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final float[] tile = new float[Math.max(MR, NARROW_ROWS) * NR];
        private float[] packed = new float[0];
        private float[] packedA = new float[0];
        private float[] narrow = new float[0];

        /** Room for packed panels of B; grows only when a wider or deeper product comes. */
        float[] packed(int size) {
            if (packed.length < size) {
                packed = new float[size];
            }
            return packed;
        }

        /** Room for packed micro-panels of A; grows only when a taller or deeper block comes. */
        float[] packedA(int size) {
            if (packedA.length < size) {
                packedA = new float[size];
            }
            return packedA;
        }

        /** Room for k rows of one vector; grows only when a deeper narrow transposed B comes. */
        float[] narrowPanel(int k) {
            if (narrow.length < k * LANES) {
                narrow = new float[k * LANES];
            }
            return narrow;
        }
    }

    private SimdGemm() {
    }

    /**
     * The depth of the blocks k is cut into: as even as possible and at most {@value #KC} (784 becomes
     * four blocks of 196). Every path and every split of a GEMM of depth k uses these same blocks.
     */
    static int depthBlock(int k) {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /** {@code C = alpha * op(A) * op(B) + beta * C} for m, n, k at least 1 and alpha not 0 (arguments checked). */
    static void multiply(boolean transA, boolean transB, int m, int n, int k,
                         float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        multiplyDepth(transA, transB, m, n, depthBlock(k), 0, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * {@code C = alpha * op(A)[:, p0:p1] * op(B)[p0:p1, :] + beta * C}: the depth blocks of size kb
     * from p0 (a block boundary) to p1. The first block scales C by beta, the others add to it.
     */
    static void multiplyDepth(boolean transA, boolean transB, int m, int n, int kb, int p0, int p1,
                              float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        // A(i, p) = a[aOff + i * rowStep + p * depthStep]: the transpose only swaps the two strides,
        // and the micro-kernels broadcast single elements, so A is never packed.
        int rowStep = transA ? 1 : lda;
        int depthStep = transA ? lda : 1;
        if (n <= LANES) {
            narrow(transB, m, n, kb, p0, p1, alpha, a, aOff, rowStep, depthStep, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            wide(transB, m, n, kb, p0, p1, alpha, a, aOff, rowStep, depthStep, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * The GotoBLAS loop order: for each depth block, op(B) is packed a few thousand columns at a time
     * (it then lives in L2 or L3); for each block of {@value #MC} rows of A (which stays in L2 while
     * it meets every panel) and each panel of B (in L1), the micro-tiles run down the rows.
     */
    private static void wide(boolean transB, int m, int n, int kb, int p0, int p1, float alpha, float[] a, int aOff,
                             int rowStep, int depthStep, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Scratch scratch = SCRATCH.get();
        float[] tile = scratch.tile;
        for (int q0 = p0; q0 < p1; q0 += kb) {
            int kc = Math.min(kb, p1 - q0);
            float blockBeta = q0 == p0 ? beta : 1f;
            int aBlock = aOff + q0 * depthStep;
            for (int j0 = 0; j0 < n; j0 += NC) {
                int nb = Math.min(NC, n - j0);
                float[] packed = scratch.packed(kc * ((nb + NR - 1) / NR) * NR);
                for (int jj = 0; jj < nb; jj += NR) {
                    packPanel(transB, b, bOff, ldb, q0, j0 + jj, kc, Math.min(NR, nb - jj), packed, jj * kc);
                }
                for (int i0 = 0; i0 < m; i0 += MC) {
                    int i1 = Math.min(m, i0 + MC);
                    // Rows of A far apart (A not transposed) and met by many panels of B: the block's whole
                    // micro-panels of MR rows are packed, MR floats per step of depth, so that the
                    // micro-kernel reads one stream instead of MR (1024^3: 162 -> 180 GFLOP/s). With few
                    // panels the copy costs more than it saves (the quickstart's 32 x 784 x 128: 4 panels),
                    // and a transposed A already has its MR rows side by side.
                    int tiles = (i1 - i0) / MR;
                    boolean packA = rowStep != 1 && tiles > 0 && nb >= PACK_A_PANELS * NR;
                    float[] pa = packA ? scratch.packedA(tiles * MR * kc) : a;
                    if (packA) {
                        packRows(a, aBlock + i0 * rowStep, rowStep, depthStep, tiles, kc, pa);
                    }
                    for (int jj = 0; jj < nb; jj += NR) {
                        int nc = Math.min(NR, nb - jj);
                        int po = jj * kc;
                        // The usual case (alpha 1, beta 0 or 1 for later depth blocks, a full panel) stores
                        // straight into C; anything else goes through the scratch tile and mergeTile.
                        boolean direct = nc == NR && alpha == 1f && (blockBeta == 0f || blockBeta == 1f);
                        boolean accumulate = blockBeta != 0f;
                        int i = i0;
                        for (; i + MR <= i1; i += MR) {
                            int ai = packA ? (i - i0) * kc : aBlock + i * rowStep;
                            int rs = packA ? 1 : rowStep;
                            int ds = packA ? MR : depthStep;
                            int ci = cOff + i * ldc + j0 + jj;
                            if (direct) {
                                tile(kc, pa, ai, rs, ds, packed, po, c, ci, ldc, accumulate);
                            } else {
                                tile(kc, pa, ai, rs, ds, packed, po, tile, 0, NR, false);
                                mergeTile(tile, MR, NR, nc, alpha, blockBeta, c, ci, ldc);
                            }
                        }
                        for (; i < i1; i++) {
                            int ai = aBlock + i * rowStep;
                            int ci = cOff + i * ldc + j0 + jj;
                            if (direct) {
                                row2(kc, a, ai, depthStep, packed, po, c, ci, accumulate);
                            } else {
                                row2(kc, a, ai, depthStep, packed, po, tile, 0, false);
                                mergeTile(tile, 1, NR, nc, alpha, blockBeta, c, ci, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * GEMM for a C no wider than one vector (the 10 classes of MNIST): op(B) is packed into rows of
     * one vector, zero-padded, and 8-row tiles of one vector are computed into the scratch tile, whose
     * first n lanes {@link #mergeNarrow} adds to C. No mask in the loop: C1 cannot compile a masked
     * kernel this size ("out of virtual registers"), and a method C1 gives up on may never reach C2.
     */
    private static void narrow(boolean transB, int m, int n, int kb, int p0, int p1, float alpha, float[] a, int aOff,
                               int rowStep, int depthStep, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Scratch scratch = SCRATCH.get();
        float[] tile = scratch.tile;
        float[] panel = scratch.narrowPanel(p1 - p0);
        int p = p0;
        if (!transB) {
            // Whole vectors while a row's vector stays inside the array, the lanes past n zeroed.
            VectorMask<Float> outside = SPECIES.indexInRange(0, n).not();
            for (; p < p1 && bOff + p * ldb + LANES <= b.length; p++) {
                FloatVector.fromArray(SPECIES, b, bOff + p * ldb).blend(0f, outside).intoArray(panel, (p - p0) * LANES);
            }
        }
        for (; p < p1; p++) {
            int row = (p - p0) * LANES;
            for (int j = 0; j < n; j++) {
                panel[row + j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            }
            for (int j = n; j < LANES; j++) {
                panel[row + j] = 0f;
            }
        }
        for (int q0 = p0; q0 < p1; q0 += kb) {
            int kc = Math.min(kb, p1 - q0);
            float blockBeta = q0 == p0 ? beta : 1f;
            int aBlock = aOff + q0 * depthStep;
            int bBlock = (q0 - p0) * LANES;
            int i = 0;
            for (; i + NARROW_ROWS <= m; i += NARROW_ROWS) {
                tile8x1(kc, a, aBlock + i * rowStep, rowStep, depthStep, panel, bBlock, tile);
                mergeNarrow(tile, NARROW_ROWS, n, alpha, blockBeta, c, cOff + i * ldc, ldc);
            }
            for (; i < m; i++) {
                row1(kc, a, aBlock + i * rowStep, depthStep, panel, bBlock, tile);
                mergeNarrow(tile, 1, n, alpha, blockBeta, c, cOff + i * ldc, ldc);
            }
        }
    }

    /**
     * {@code C = alpha * tile + beta * C} over the first n lanes of each tile row, C not read when beta
     * is 0: lane for lane the arithmetic of {@link #mergeTile} and of the direct stores of the wide
     * kernels (with alpha 1 and beta 1, {@code C + s} equals {@code s + C}).
     */
    private static void mergeNarrow(float[] tile, int rows, int n, float alpha, float beta, float[] c, int ci, int ldc) {
        for (int r = 0; r < rows; r++, ci += ldc) {
            int t = r * LANES;
            for (int j = 0; j < n; j++) {
                float v = tile[t + j] * alpha;
                c[ci + j] = beta == 0f ? v : c[ci + j] * beta + v;
            }
        }
    }

    /**
     * Copies op(B)[p0 .. p0+kc, j0 .. j0+nc] into {@code panel} at {@code po} as kc contiguous rows of NR floats,
     * zero-padded. Always packed: B's own rows are often a power of two apart (128 floats = 512
     * bytes), which maps a whole unpacked panel onto a few L1 sets.
     */
    private static void packPanel(boolean transB, float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc,
                                  float[] panel, int po) {
        if (!transB && nc == NR) {
            for (int p = 0, src = bOff + p0 * ldb + j0; p < kc; p++, src += ldb) {
                FloatVector.fromArray(SPECIES, b, src).intoArray(panel, po + p * NR);
                FloatVector.fromArray(SPECIES, b, src + LANES).intoArray(panel, po + p * NR + LANES);
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            int dst = po + p * NR;
            for (int jj = 0; jj < nc; jj++) {
                int j = j0 + jj;
                panel[dst + jj] = transB ? b[bOff + j * ldb + p0 + p] : b[bOff + (p0 + p) * ldb + j];
            }
            for (int jj = nc; jj < NR; jj++) {
                panel[dst + jj] = 0f;
            }
        }
    }

    /**
     * Copies {@code tiles} micro-panels of A (MR rows, kc deep, from {@code ai}) into {@code panel}:
     * panel t holds, for each step of depth p, the MR elements of its rows side by side.
     */
    private static void packRows(float[] a, int ai, int rowStep, int depthStep, int tiles, int kc, float[] panel) {
        for (int t = 0; t < tiles; t++) {
            int dst = t * MR * kc;
            int src = ai + t * MR * rowStep;
            for (int r = 0; r < MR; r++) {
                int row = src + r * rowStep;
                for (int p = 0; p < kc; p++) {
                    panel[dst + p * MR + r] = a[row + p * depthStep];
                }
            }
        }
    }

    /** The micro-tile for this CPU: MR rows x (2 vectors). */
    private static void tile(int kc, float[] a, int ai, int rowStep, int depthStep, float[] panel, int po,
                             float[] out, int oi, int ldo, boolean accumulate) {
        if (MR == 8) {
            tile8x2(kc, a, ai, rowStep, depthStep, panel, po, out, oi, ldo, accumulate);
        } else {
            tile4x2(kc, a, ai, rowStep, depthStep, panel, po, out, oi, ldo, accumulate);
        }
    }

    /**
     * The main micro-kernel where there are 32 vector registers: an 8 x (2 vectors) block of A.B
     * written (or added, when {@code accumulate}) to {@code out} at {@code oi}, rows {@code ldo}
     * apart. Sixteen accumulators, eight broadcasts of A and two loads of B per step of depth.
     */
    private static void tile8x2(int kc, float[] a, int ai, int rowStep, int depthStep, float[] panel, int po,
                                float[] out, int oi, int ldo, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, panel, po + p * NR);
            FloatVector b1 = FloatVector.fromArray(SPECIES, panel, po + p * NR + LANES);
            int ap = ai + p * depthStep;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ap]);
            c00 = FMA ? x.fma(b0, c00) : x.mul(b0).add(c00);
            c01 = FMA ? x.fma(b1, c01) : x.mul(b1).add(c01);
            x = FloatVector.broadcast(SPECIES, a[ap + rowStep]);
            c10 = FMA ? x.fma(b0, c10) : x.mul(b0).add(c10);
            c11 = FMA ? x.fma(b1, c11) : x.mul(b1).add(c11);
            x = FloatVector.broadcast(SPECIES, a[ap + 2 * rowStep]);
            c20 = FMA ? x.fma(b0, c20) : x.mul(b0).add(c20);
            c21 = FMA ? x.fma(b1, c21) : x.mul(b1).add(c21);
            x = FloatVector.broadcast(SPECIES, a[ap + 3 * rowStep]);
            c30 = FMA ? x.fma(b0, c30) : x.mul(b0).add(c30);
            c31 = FMA ? x.fma(b1, c31) : x.mul(b1).add(c31);
            x = FloatVector.broadcast(SPECIES, a[ap + 4 * rowStep]);
            c40 = FMA ? x.fma(b0, c40) : x.mul(b0).add(c40);
            c41 = FMA ? x.fma(b1, c41) : x.mul(b1).add(c41);
            x = FloatVector.broadcast(SPECIES, a[ap + 5 * rowStep]);
            c50 = FMA ? x.fma(b0, c50) : x.mul(b0).add(c50);
            c51 = FMA ? x.fma(b1, c51) : x.mul(b1).add(c51);
            x = FloatVector.broadcast(SPECIES, a[ap + 6 * rowStep]);
            c60 = FMA ? x.fma(b0, c60) : x.mul(b0).add(c60);
            c61 = FMA ? x.fma(b1, c61) : x.mul(b1).add(c61);
            x = FloatVector.broadcast(SPECIES, a[ap + 7 * rowStep]);
            c70 = FMA ? x.fma(b0, c70) : x.mul(b0).add(c70);
            c71 = FMA ? x.fma(b1, c71) : x.mul(b1).add(c71);
        }
        int o1 = oi + ldo;
        int o2 = o1 + ldo;
        int o3 = o2 + ldo;
        int o4 = o3 + ldo;
        int o5 = o4 + ldo;
        int o6 = o5 + ldo;
        int o7 = o6 + ldo;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, out, oi));
            c01 = c01.add(FloatVector.fromArray(SPECIES, out, oi + LANES));
            c10 = c10.add(FloatVector.fromArray(SPECIES, out, o1));
            c11 = c11.add(FloatVector.fromArray(SPECIES, out, o1 + LANES));
            c20 = c20.add(FloatVector.fromArray(SPECIES, out, o2));
            c21 = c21.add(FloatVector.fromArray(SPECIES, out, o2 + LANES));
            c30 = c30.add(FloatVector.fromArray(SPECIES, out, o3));
            c31 = c31.add(FloatVector.fromArray(SPECIES, out, o3 + LANES));
            c40 = c40.add(FloatVector.fromArray(SPECIES, out, o4));
            c41 = c41.add(FloatVector.fromArray(SPECIES, out, o4 + LANES));
            c50 = c50.add(FloatVector.fromArray(SPECIES, out, o5));
            c51 = c51.add(FloatVector.fromArray(SPECIES, out, o5 + LANES));
            c60 = c60.add(FloatVector.fromArray(SPECIES, out, o6));
            c61 = c61.add(FloatVector.fromArray(SPECIES, out, o6 + LANES));
            c70 = c70.add(FloatVector.fromArray(SPECIES, out, o7));
            c71 = c71.add(FloatVector.fromArray(SPECIES, out, o7 + LANES));
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + LANES);
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + LANES);
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + LANES);
        c40.intoArray(out, o4);
        c41.intoArray(out, o4 + LANES);
        c50.intoArray(out, o5);
        c51.intoArray(out, o5 + LANES);
        c60.intoArray(out, o6);
        c61.intoArray(out, o6 + LANES);
        c70.intoArray(out, o7);
        c71.intoArray(out, o7 + LANES);
    }

    /** The micro-kernel where there are 16 vector registers (AVX2): 4 x (2 vectors), eight accumulators. */
    private static void tile4x2(int kc, float[] a, int ai, int rowStep, int depthStep, float[] panel, int po,
                                float[] out, int oi, int ldo, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, panel, po + p * NR);
            FloatVector b1 = FloatVector.fromArray(SPECIES, panel, po + p * NR + LANES);
            int ap = ai + p * depthStep;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ap]);
            c00 = FMA ? x.fma(b0, c00) : x.mul(b0).add(c00);
            c01 = FMA ? x.fma(b1, c01) : x.mul(b1).add(c01);
            x = FloatVector.broadcast(SPECIES, a[ap + rowStep]);
            c10 = FMA ? x.fma(b0, c10) : x.mul(b0).add(c10);
            c11 = FMA ? x.fma(b1, c11) : x.mul(b1).add(c11);
            x = FloatVector.broadcast(SPECIES, a[ap + 2 * rowStep]);
            c20 = FMA ? x.fma(b0, c20) : x.mul(b0).add(c20);
            c21 = FMA ? x.fma(b1, c21) : x.mul(b1).add(c21);
            x = FloatVector.broadcast(SPECIES, a[ap + 3 * rowStep]);
            c30 = FMA ? x.fma(b0, c30) : x.mul(b0).add(c30);
            c31 = FMA ? x.fma(b1, c31) : x.mul(b1).add(c31);
        }
        int o1 = oi + ldo;
        int o2 = o1 + ldo;
        int o3 = o2 + ldo;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, out, oi));
            c01 = c01.add(FloatVector.fromArray(SPECIES, out, oi + LANES));
            c10 = c10.add(FloatVector.fromArray(SPECIES, out, o1));
            c11 = c11.add(FloatVector.fromArray(SPECIES, out, o1 + LANES));
            c20 = c20.add(FloatVector.fromArray(SPECIES, out, o2));
            c21 = c21.add(FloatVector.fromArray(SPECIES, out, o2 + LANES));
            c30 = c30.add(FloatVector.fromArray(SPECIES, out, o3));
            c31 = c31.add(FloatVector.fromArray(SPECIES, out, o3 + LANES));
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + LANES);
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + LANES);
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + LANES);
    }

    /** One row of A against a two-vector panel: the rows left when m is not a multiple of MR. */
    private static void row2(int kc, float[] a, int ai, int depthStep, float[] panel, int po, float[] out, int oi,
                             boolean accumulate) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai + p * depthStep]);
            FloatVector b0 = FloatVector.fromArray(SPECIES, panel, po + p * NR);
            FloatVector b1 = FloatVector.fromArray(SPECIES, panel, po + p * NR + LANES);
            c0 = FMA ? x.fma(b0, c0) : x.mul(b0).add(c0);
            c1 = FMA ? x.fma(b1, c1) : x.mul(b1).add(c1);
        }
        if (accumulate) {
            c0 = c0.add(FloatVector.fromArray(SPECIES, out, oi));
            c1 = c1.add(FloatVector.fromArray(SPECIES, out, oi + LANES));
        }
        c0.intoArray(out, oi);
        c1.intoArray(out, oi + LANES);
    }

    /**
     * The narrow micro-kernel: 8 rows x 1 vector of A.B into rows of the scratch tile. B's rows are
     * {@code LANES} apart in the packed panel, from {@code bi}.
     */
    private static void tile8x1(int kc, float[] a, int ai, int rowStep, int depthStep, float[] panel, int bi, float[] tile) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, panel, bi + p * LANES);
            int ap = ai + p * depthStep;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ap]);
            c0 = FMA ? x.fma(bv, c0) : x.mul(bv).add(c0);
            x = FloatVector.broadcast(SPECIES, a[ap + rowStep]);
            c1 = FMA ? x.fma(bv, c1) : x.mul(bv).add(c1);
            x = FloatVector.broadcast(SPECIES, a[ap + 2 * rowStep]);
            c2 = FMA ? x.fma(bv, c2) : x.mul(bv).add(c2);
            x = FloatVector.broadcast(SPECIES, a[ap + 3 * rowStep]);
            c3 = FMA ? x.fma(bv, c3) : x.mul(bv).add(c3);
            x = FloatVector.broadcast(SPECIES, a[ap + 4 * rowStep]);
            c4 = FMA ? x.fma(bv, c4) : x.mul(bv).add(c4);
            x = FloatVector.broadcast(SPECIES, a[ap + 5 * rowStep]);
            c5 = FMA ? x.fma(bv, c5) : x.mul(bv).add(c5);
            x = FloatVector.broadcast(SPECIES, a[ap + 6 * rowStep]);
            c6 = FMA ? x.fma(bv, c6) : x.mul(bv).add(c6);
            x = FloatVector.broadcast(SPECIES, a[ap + 7 * rowStep]);
            c7 = FMA ? x.fma(bv, c7) : x.mul(bv).add(c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, LANES);
        c2.intoArray(tile, 2 * LANES);
        c3.intoArray(tile, 3 * LANES);
        c4.intoArray(tile, 4 * LANES);
        c5.intoArray(tile, 5 * LANES);
        c6.intoArray(tile, 6 * LANES);
        c7.intoArray(tile, 7 * LANES);
    }

    /** One row of A against the narrow panel: the rows left when m is not a multiple of 8. */
    private static void row1(int kc, float[] a, int ai, int depthStep, float[] panel, int bi, float[] tile) {
        FloatVector c0 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, panel, bi + p * LANES);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai + p * depthStep]);
            c0 = FMA ? x.fma(bv, c0) : x.mul(bv).add(c0);
        }
        c0.intoArray(tile, 0);
    }

    /** {@code C = alpha * tile + beta * C} over rows x nc of a tile {@code width} wide; C is not read when beta is 0. */
    private static void mergeTile(float[] tile, int rows, int width, int nc, float alpha, float beta,
                                  float[] c, int ci, int ldc) {
        for (int r = 0; r < rows; r++, ci += ldc) {
            for (int j = 0; j < width; j += LANES) {
                VectorMask<Float> inside = SPECIES.indexInRange(j, nc);
                FloatVector v = FloatVector.fromArray(SPECIES, tile, r * width + j).mul(alpha);
                if (beta != 0f) {
                    v = FloatVector.fromArray(SPECIES, c, ci + j, inside).mul(beta).add(v);
                }
                v.intoArray(c, ci + j, inside);
            }
        }
    }

    /** {@code C = beta * C} (zero when beta is 0, even over NaN): GEMM with k = 0 or alpha = 0. */
    static void scale(float[] c, int cOff, int m, int n, int ldc, float beta) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }
}
