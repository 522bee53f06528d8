package dev.jeras.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API: a packed, register-blocked GEMM and vectorised element-wise
 * operations. The only core class that touches {@code jdk.incubator.vector}.
 *
 * <p>The vector width is fixed per JVM: the Vector API compiles to SIMD instructions only when the
 * species is a compile-time constant (a {@code static final}); an instance field leaves every vector
 * boxed and runs some twenty times slower. The width is the CPU's preferred one unless
 * {@code -Djeras.simd.bits=128|256|512} narrows it, which is how tests cover the narrower paths on a
 * wide machine. Every loop is a vector body up to {@code SPECIES.loopBound(n)} followed by a scalar tail.
 *
 * <p>Not final so that a native GEMM can replace {@link #sgemm} and keep these element-wise
 * operations, as {@code OpenBlasKernels} in {@code dev.jeras.blas} does; nothing else is meant to
 * be overridden.
 */
public class SimdKernels implements Kernels {

    /** Rows of C per micro-tile. 4 rows x 2 vectors = 8 independent accumulators hide FMA latency. */
    private static final int MR = 4;
    /** Depth of one block of B: a KC x (2 vectors) panel stays in L1 while all rows of A stream past it. */
    private static final int KC = 256;

    /** The system property that narrows the vector width, in bits. */
    public static final String BITS_PROPERTY = "jeras.simd.bits";

    private static final VectorSpecies<Float> SPECIES = configuredSpecies();
    private static final int LANES = SPECIES.length();
    /** Panel width: two vectors of C columns per micro-tile row. */
    private static final int NR = 2 * LANES;

    private final String name;
    /** Per-thread GEMM scratch, so that one shared instance stays thread-safe. */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** A packed panel of B (KC x NR), one tile of C (MR x NR, or 8 x 1 vector), and a transposed narrow B. */
    private static final class Scratch {
        final float[] panel = new float[KC * NR];
        final float[] tile = new float[MR * NR];
        private float[] narrow = new float[0];

        /** Room for k rows of one vector; grows only when a deeper narrow transposed B comes. */
        float[] narrowPanel(int k) {
            if (narrow.length < k * LANES) {
                narrow = new float[k * LANES];
            }
            return narrow;
        }
    }

    /** Kernels at this JVM's vector width: the preferred one, or {@code -Djeras.simd.bits}. */
    public SimdKernels() {
        this.name = String.format(Locale.ROOT, "simd(%d-bit, %d lanes%s)",
                SPECIES.vectorBitSize(), LANES, CpuFeatures.FMA ? ", fma" : "");
    }

    /** The vector width in bits these kernels use. */
    public static int vectorBits() {
        return SPECIES.vectorBitSize();
    }

    private static VectorSpecies<Float> configuredSpecies() {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        String bits = System.getProperty(BITS_PROPERTY);
        if (bits == null || bits.isBlank()) {
            return preferred;
        }
        int requested;
        try {
            requested = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + BITS_PROPERTY + " must be 64, 128, 256 or 512, received '" + bits + "'");
        }
        if (Integer.bitCount(requested) != 1 || requested < 64 || requested > preferred.vectorBitSize()) {
            throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + requested + " is not a vector width this CPU runs: "
                    + "choose a power of two from 64 to " + preferred.vectorBitSize());
        }
        return VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(requested));
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------------------------------------
    // GEMM

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            scaleMatrix(c, cOff, m, n, ldc, beta);
            return;
        }
        // A(i, p) = a[aOff + i * rowStep + p * depthStep]: the transpose only swaps the two strides,
        // and the micro-kernels broadcast single elements, so A is never packed.
        int rowStep = transA ? 1 : lda;
        int depthStep = transA ? lda : 1;
        if (n <= LANES) {
            narrowGemm(transB, m, n, k, alpha, a, aOff, rowStep, depthStep, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Scratch scratch = this.scratch.get();
        float[] panel = scratch.panel;
        float[] tile = scratch.tile;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            float blockBeta = p0 == 0 ? beta : 1f;
            int aBlock = aOff + p0 * depthStep;
            for (int j0 = 0; j0 < n; j0 += NR) {
                int nc = Math.min(NR, n - j0);
                packPanel(transB, b, bOff, ldb, p0, j0, kc, nc, panel);
                // The usual case (alpha 1, beta 0 or 1 for later depth blocks, a full panel) stores
                // straight into C; anything else goes through the scratch tile and mergeTile.
                boolean direct = nc == NR && alpha == 1f && (blockBeta == 0f || blockBeta == 1f);
                boolean accumulate = direct && blockBeta == 1f;
                int i = 0;
                for (; i + MR <= m; i += MR) {
                    int ai = aBlock + i * rowStep;
                    int ci = cOff + i * ldc + j0;
                    if (direct) {
                        tile4x2(kc, a, ai, rowStep, depthStep, panel, c, ci, ldc, accumulate);
                    } else {
                        tile4x2(kc, a, ai, rowStep, depthStep, panel, tile, 0, NR, false);
                        mergeTile(tile, MR, NR, nc, alpha, blockBeta, c, ci, ldc);
                    }
                }
                for (; i < m; i++) {
                    int ai = aBlock + i * rowStep;
                    int ci = cOff + i * ldc + j0;
                    if (direct) {
                        row2(kc, a, ai, depthStep, panel, c, ci, accumulate);
                    } else {
                        row2(kc, a, ai, depthStep, panel, tile, 0, false);
                        mergeTile(tile, 1, NR, nc, alpha, blockBeta, c, ci, ldc);
                    }
                }
            }
        }
    }

    /**
     * GEMM for a C no wider than one vector (the 10 classes of MNIST): 8-row tiles of one vector,
     * masked to n lanes, so that no lane beyond n is computed twice over. An untransposed B is read
     * in place (short rows, cheap to mask, no cache hazard); a transposed one is packed first.
     */
    private void narrowGemm(boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int rowStep,
                            int depthStep, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Scratch scratch = this.scratch.get();
        float[] tile = scratch.tile;
        float[] panel = b;
        int panelOff = bOff;
        int panelStride = ldb;
        if (transB) {
            panel = scratch.narrowPanel(k);
            panelOff = 0;
            panelStride = LANES;
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    panel[p * LANES + j] = b[bOff + j * ldb + p];
                }
            }
        }
        boolean direct = alpha == 1f && beta == 0f;
        int i = 0;
        for (; i + 8 <= m; i += 8) {
            int ai = aOff + i * rowStep;
            int ci = cOff + i * ldc;
            if (direct) {
                tile8x1(k, n, a, ai, rowStep, depthStep, panel, panelOff, panelStride, c, ci, ldc);
            } else {
                tile8x1(k, n, a, ai, rowStep, depthStep, panel, panelOff, panelStride, tile, 0, LANES);
                mergeTile(tile, 8, LANES, n, alpha, beta, c, ci, ldc);
            }
        }
        for (; i < m; i++) {
            int ai = aOff + i * rowStep;
            int ci = cOff + i * ldc;
            if (direct) {
                row1(k, n, a, ai, depthStep, panel, panelOff, panelStride, c, ci);
            } else {
                row1(k, n, a, ai, depthStep, panel, panelOff, panelStride, tile, 0);
                mergeTile(tile, 1, LANES, n, alpha, beta, c, ci, ldc);
            }
        }
    }

    /**
     * Copies op(B)[p0 .. p0+kc, j0 .. j0+nc] into {@code panel} as kc contiguous rows of NR floats,
     * zero-padded. Always packed: B's own rows are often a power of two apart (128 floats = 512
     * bytes), which maps a whole unpacked panel onto a few L1 sets.
     */
    private static void packPanel(boolean transB, float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc,
                                  float[] panel) {
        if (!transB && nc == NR) {
            for (int p = 0, src = bOff + p0 * ldb + j0; p < kc; p++, src += ldb) {
                FloatVector.fromArray(SPECIES, b, src).intoArray(panel, p * NR);
                FloatVector.fromArray(SPECIES, b, src + LANES).intoArray(panel, p * NR + LANES);
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            int dst = p * NR;
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
     * The main micro-kernel: a 4 x (2 vectors) block of A.B written (or added, when
     * {@code accumulate}) to {@code out} at {@code oi}, rows {@code ldo} apart. Eight accumulators,
     * four broadcasts of A and two loads of B per step of depth. Vectors never leave this method:
     * passed to a call the JIT declines to inline, they would be boxed on the heap.
     */
    private static void tile4x2(int kc, float[] a, int ai, int rowStep, int depthStep, float[] panel,
                                float[] out, int oi, int ldo, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = ai;
        int a1 = ai + rowStep;
        int a2 = a1 + rowStep;
        int a3 = a2 + rowStep;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, panel, p * NR);
            FloatVector b1 = FloatVector.fromArray(SPECIES, panel, p * NR + LANES);
            int ap = p * depthStep;
            FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[a1 + ap]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[a2 + ap]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[a3 + ap]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
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

    /** One row of A against a two-vector panel: the rows left when m is not a multiple of 4. */
    private static void row2(int kc, float[] a, int ai, int depthStep, float[] panel, float[] out, int oi, boolean accumulate) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai + p * depthStep]);
            c0 = x.fma(FloatVector.fromArray(SPECIES, panel, p * NR), c0);
            c1 = x.fma(FloatVector.fromArray(SPECIES, panel, p * NR + LANES), c1);
        }
        if (accumulate) {
            c0 = c0.add(FloatVector.fromArray(SPECIES, out, oi));
            c1 = c1.add(FloatVector.fromArray(SPECIES, out, oi + LANES));
        }
        c0.intoArray(out, oi);
        c1.intoArray(out, oi + LANES);
    }

    /**
     * The narrow micro-kernel: 8 rows x 1 vector of A.B, its first n lanes, into {@code out} at
     * {@code oi}, rows {@code ldo} apart. B's rows start at {@code bi}, {@code bStride} apart.
     */
    private static void tile8x1(int k, int n, float[] a, int ai, int rowStep, int depthStep,
                                float[] b, int bi, int bStride, float[] out, int oi, int ldo) {
        VectorMask<Float> lanes = SPECIES.indexInRange(0, n);
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bi + p * bStride, lanes);
            int ap = ai + p * depthStep;
            c0 = FloatVector.broadcast(SPECIES, a[ap]).fma(bv, c0);
            c1 = FloatVector.broadcast(SPECIES, a[ap + rowStep]).fma(bv, c1);
            c2 = FloatVector.broadcast(SPECIES, a[ap + 2 * rowStep]).fma(bv, c2);
            c3 = FloatVector.broadcast(SPECIES, a[ap + 3 * rowStep]).fma(bv, c3);
            c4 = FloatVector.broadcast(SPECIES, a[ap + 4 * rowStep]).fma(bv, c4);
            c5 = FloatVector.broadcast(SPECIES, a[ap + 5 * rowStep]).fma(bv, c5);
            c6 = FloatVector.broadcast(SPECIES, a[ap + 6 * rowStep]).fma(bv, c6);
            c7 = FloatVector.broadcast(SPECIES, a[ap + 7 * rowStep]).fma(bv, c7);
        }
        c0.intoArray(out, oi, lanes);
        c1.intoArray(out, oi + ldo, lanes);
        c2.intoArray(out, oi + 2 * ldo, lanes);
        c3.intoArray(out, oi + 3 * ldo, lanes);
        c4.intoArray(out, oi + 4 * ldo, lanes);
        c5.intoArray(out, oi + 5 * ldo, lanes);
        c6.intoArray(out, oi + 6 * ldo, lanes);
        c7.intoArray(out, oi + 7 * ldo, lanes);
    }

    /** One row of A against a narrow B: the rows left when m is not a multiple of 8. */
    private static void row1(int k, int n, float[] a, int ai, int depthStep, float[] b, int bi, int bStride,
                             float[] out, int oi) {
        VectorMask<Float> lanes = SPECIES.indexInRange(0, n);
        FloatVector c0 = FloatVector.zero(SPECIES);
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bi + p * bStride, lanes);
            c0 = FloatVector.broadcast(SPECIES, a[ai + p * depthStep]).fma(bv, c0);
        }
        c0.intoArray(out, oi, lanes);
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
    private static void scaleMatrix(float[] c, int cOff, int m, int n, int ldc, float beta) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Element-wise operations

    @Override
    public void addBias(float[] x, int off, int rows, int cols, float[] bias, boolean relu) {
        int bound = SPECIES.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = off + r * cols;
            int j = 0;
            for (; j < bound; j += LANES) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, row + j)
                        .add(FloatVector.fromArray(SPECIES, bias, j));
                (relu ? v.max(0f) : v).intoArray(x, row + j);
            }
            for (; j < cols; j++) {
                float v = x[row + j] + bias[j];
                x[row + j] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    @Override
    public void reluBackward(float[] dy, int dyOff, float[] y, int yOff, int n) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            VectorMask<Float> active = FloatVector.fromArray(SPECIES, y, yOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(SPECIES, dy, dyOff + i), active).intoArray(dy, dyOff + i);
        }
        for (; i < n; i++) {
            if (!(y[yOff + i] > 0f)) {
                dy[dyOff + i] = 0f;
            }
        }
    }

    @Override
    public void columnSums(float[] x, int off, int rows, int cols, float[] out) {
        int bound = SPECIES.loopBound(cols);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int r = 0; r < rows; r++) {
                sum = sum.add(FloatVector.fromArray(SPECIES, x, off + r * cols + j));
            }
            sum.intoArray(out, j);
        }
        for (; j < cols; j++) {
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                sum += x[off + r * cols + j];
            }
            out[j] = sum;
        }
    }

    @Override
    public void multiply(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, x, xOff + i)
                    .mul(FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] * y[yOff + i];
        }
    }

    @Override
    public void softmax(float[] x, int off, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = off + r * cols;
            float max = rowMax(x, row, cols);
            float sum = expShifted(x, row, cols, max, x, row);
            scaleRow(x, row, cols, 1f / sum);
        }
    }

    @Override
    public double softmaxCrossEntropy(float[] logits, int off, int rows, int cols, int[] labels, int labelOff,
                                      float[] grad, int gradOff, float gradScale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int row = off + r * cols;
            int label = labels[labelOff + r];
            float max = rowMax(logits, row, cols);
            if (grad == null) {
                float sum = expShifted(logits, row, cols, max, null, 0);
                total += (float) Math.log(sum) - (logits[row + label] - max);
                continue;
            }
            // The gradient row first holds exp(logit - max), then becomes softmax * scale - onehot * scale.
            int g = gradOff + r * cols;
            float sum = expShifted(logits, row, cols, max, grad, g);
            total += (float) Math.log(sum) - (logits[row + label] - max);
            scaleRow(grad, g, cols, gradScale / sum);
            grad[g + label] -= gradScale;
        }
        return total;
    }

    @Override
    public void argmax(float[] x, int off, int rows, int cols, int[] out, int outOff) {
        // Rows are as wide as the number of classes (10 for MNIST): less than one vector, so scalar.
        for (int r = 0; r < rows; r++) {
            int row = off + r * cols;
            int best = 0;
            for (int j = 1; j < cols; j++) {
                if (x[row + j] > x[row + best]) {
                    best = j;
                }
            }
            out[outOff + r] = best;
        }
    }

    @Override
    public void adam(float[] w, float[] g, float[] m, float[] v, int n,
                     float lr, float beta1, float beta2, float epsilon) {
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector mv = FloatVector.fromArray(SPECIES, m, i);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, i);
            mv = gv.sub(mv).mul(oneMinusBeta1).add(mv);
            vv = gv.mul(gv).sub(vv).mul(oneMinusBeta2).add(vv);
            // No subnormals in state: a first moment decaying by beta1 per step would otherwise stay
            // subnormal for ever, and every instruction touching it costs an Intel core ~100 cycles.
            mv = mv.blend(0f, mv.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
            vv = vv.blend(0f, vv.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
            FloatVector step = mv.mul(lr).div(vv.sqrt().add(epsilon));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector.fromArray(SPECIES, w, i).sub(step).intoArray(w, i);
        }
        for (; i < n; i++) {
            m[i] = ScalarKernels.flushSubnormal(m[i] + (g[i] - m[i]) * oneMinusBeta1);
            v[i] = ScalarKernels.flushSubnormal(v[i] + (g[i] * g[i] - v[i]) * oneMinusBeta2);
            w[i] -= lr * m[i] / ((float) Math.sqrt(v[i]) + epsilon);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector a = FloatVector.broadcast(SPECIES, alpha);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, x, xOff + i)
                    .fma(a, FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    private float rowMax(float[] x, int row, int cols) {
        int bound = SPECIES.loopBound(cols);
        float max = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            for (; j < bound; j += LANES) {
                acc = acc.max(FloatVector.fromArray(SPECIES, x, row + j));
            }
            max = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; j < cols; j++) {
            max = Math.max(max, x[row + j]);
        }
        return max;
    }

    /** Returns the sum of {@code exp(x[row + j] - max)}, also writing each term to {@code out[outRow + j]} unless out is null. */
    private float expShifted(float[] x, int row, int cols, float max, float[] out, int outRow) {
        int bound = SPECIES.loopBound(cols);
        float sum = 0f;
        int j = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (; j < bound; j += LANES) {
                FloatVector e = FloatVector.fromArray(SPECIES, x, row + j).sub(max).lanewise(VectorOperators.EXP);
                if (out != null) {
                    e.intoArray(out, outRow + j);
                }
                acc = acc.add(e);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; j < cols; j++) {
            float e = (float) Math.exp(x[row + j] - max);
            if (out != null) {
                out[outRow + j] = e;
            }
            sum += e;
        }
        return sum;
    }

    private void scaleRow(float[] x, int row, int cols, float s) {
        int bound = SPECIES.loopBound(cols);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector.fromArray(SPECIES, x, row + j).mul(s).intoArray(x, row + j);
        }
        for (; j < cols; j++) {
            x[row + j] *= s;
        }
    }

    /** What the CPU offers beyond the vector width, for {@link #name()}. */
    private static final class CpuFeatures {
        static final boolean FMA = detectFma();

        private static boolean detectFma() {
            String arch = System.getProperty("os.arch", "");
            if (arch.equals("aarch64")) {
                return true; // every AArch64 core has fused multiply-add
            }
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (!Files.isReadable(cpuinfo)) {
                return false;
            }
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("flags"))
                        .findFirst()
                        .map(l -> (" " + l.substring(l.indexOf(':') + 1) + " ").contains(" fma "))
                        .orElse(false);
            } catch (IOException | java.io.UncheckedIOException e) {
                return false; // no /proc/cpuinfo to read: leave fma out of the name
            }
        }
    }
}
