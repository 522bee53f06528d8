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
 * <p>The vector width comes from the species given to the constructor, so one machine can test 128,
 * 256 and 512-bit code paths. Every loop is a vector body up to {@code species.loopBound(n)} followed
 * by a scalar tail.
 */
public final class SimdKernels implements Kernels {

    /** Rows of C per micro-tile. 4 rows x 2 vectors = 8 independent accumulators hide FMA latency. */
    private static final int MR = 4;
    /** Depth of one block of B: a KC x (2 vectors) panel stays in L1 while all rows of A stream past it. */
    private static final int KC = 256;

    private final VectorSpecies<Float> species;
    private final int lanes;
    /** Panel width: two vectors of C columns per micro-tile row. */
    private final int nr;
    private final String name;
    /** Scratch for packed B panels; one per thread so that shared kernels stay thread-safe. */
    private final ThreadLocal<float[]> panels;

    /** Kernels at the widest vector shape this JVM prefers. */
    public SimdKernels() {
        this(FloatVector.SPECIES_PREFERRED);
    }

    /** Kernels at the given float species (for tests of narrower paths on a wide machine). */
    public SimdKernels(VectorSpecies<Float> species) {
        this.species = species;
        this.lanes = species.length();
        this.nr = 2 * lanes;
        this.panels = ThreadLocal.withInitial(() -> new float[KC * nr]);
        this.name = String.format(Locale.ROOT, "simd(%d-bit, %d lanes%s)",
                species.vectorBitSize(), lanes, CpuFeatures.FMA ? ", fma" : "");
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
        // and the micro-kernel broadcasts single elements, so A is never packed.
        int rowStep = transA ? 1 : lda;
        int depthStep = transA ? lda : 1;
        float[] packed = panels.get();
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            float blockBeta = p0 == 0 ? beta : 1f;
            int aBlock = aOff + p0 * depthStep;
            for (int j0 = 0; j0 < n; j0 += nr) {
                int nc = Math.min(nr, n - j0);
                // A full-width panel of an untransposed B is read in place (rows ldb apart);
                // transposed or ragged panels are copied into a zero-padded kc x nr buffer.
                float[] panel = b;
                int panelOff = bOff + p0 * ldb + j0;
                int panelStride = ldb;
                if (transB || nc < nr) {
                    packPanel(transB, b, bOff, ldb, p0, j0, kc, nc, packed);
                    panel = packed;
                    panelOff = 0;
                    panelStride = nr;
                }
                int i = 0;
                for (; i + MR <= m; i += MR) {
                    tile4(kc, alpha, a, aBlock + i * rowStep, rowStep, depthStep,
                            panel, panelOff, panelStride, blockBeta, c, cOff + i * ldc + j0, ldc, nc);
                }
                for (; i < m; i++) {
                    tile1(kc, alpha, a, aBlock + i * rowStep, depthStep,
                            panel, panelOff, panelStride, blockBeta, c, cOff + i * ldc + j0, nc);
                }
            }
        }
    }

    /** Copies op(B)[p0 .. p0+kc, j0 .. j0+nc] into {@code packed} as kc rows of nr floats, zero-padded. */
    private void packPanel(boolean transB, float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc,
                           float[] packed) {
        for (int p = 0; p < kc; p++) {
            int dst = p * nr;
            for (int jj = 0; jj < nc; jj++) {
                int j = j0 + jj;
                packed[dst + jj] = transB ? b[bOff + j * ldb + p0 + p] : b[bOff + (p0 + p) * ldb + j];
            }
            for (int jj = nc; jj < nr; jj++) {
                packed[dst + jj] = 0f;
            }
        }
    }

    /** A 4 x nr tile of C: 8 accumulators, 4 broadcasts of A and 2 loads of B per step of depth. */
    private void tile4(int kc, float alpha, float[] a, int ai, int rowStep, int depthStep,
                       float[] b, int bi, int bStride, float beta, float[] c, int ci, int ldc, int nc) {
        FloatVector c00 = FloatVector.zero(species), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = ai;
        int a1 = ai + rowStep;
        int a2 = a1 + rowStep;
        int a3 = a2 + rowStep;
        for (int p = 0; p < kc; p++, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(species, b, bi);
            FloatVector b1 = FloatVector.fromArray(species, b, bi + lanes);
            int ap = p * depthStep;
            FloatVector x = FloatVector.broadcast(species, a[a0 + ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(species, a[a1 + ap]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(species, a[a2 + ap]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(species, a[a3 + ap]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        storeRow(c00, c01, alpha, beta, c, ci, nc);
        storeRow(c10, c11, alpha, beta, c, ci + ldc, nc);
        storeRow(c20, c21, alpha, beta, c, ci + 2 * ldc, nc);
        storeRow(c30, c31, alpha, beta, c, ci + 3 * ldc, nc);
    }

    /** One row of C against a panel: the leftover rows when m is not a multiple of 4. */
    private void tile1(int kc, float alpha, float[] a, int ai, int depthStep,
                       float[] b, int bi, int bStride, float beta, float[] c, int ci, int nc) {
        FloatVector c0 = FloatVector.zero(species), c1 = c0;
        for (int p = 0; p < kc; p++, bi += bStride) {
            FloatVector x = FloatVector.broadcast(species, a[ai + p * depthStep]);
            c0 = x.fma(FloatVector.fromArray(species, b, bi), c0);
            c1 = x.fma(FloatVector.fromArray(species, b, bi + lanes), c1);
        }
        storeRow(c0, c1, alpha, beta, c, ci, nc);
    }

    /** {@code C[ci .. ci+nc) = alpha * acc + beta * C}, masked when the panel is ragged; C unread when beta is 0. */
    private void storeRow(FloatVector lo, FloatVector hi, float alpha, float beta, float[] c, int ci, int nc) {
        lo = lo.mul(alpha);
        hi = hi.mul(alpha);
        if (nc == nr) {
            if (beta != 0f) {
                lo = FloatVector.fromArray(species, c, ci).mul(beta).add(lo);
                hi = FloatVector.fromArray(species, c, ci + lanes).mul(beta).add(hi);
            }
            lo.intoArray(c, ci);
            hi.intoArray(c, ci + lanes);
        } else {
            VectorMask<Float> mLo = species.indexInRange(0, nc);
            VectorMask<Float> mHi = species.indexInRange(lanes, nc);
            if (beta != 0f) {
                lo = FloatVector.fromArray(species, c, ci, mLo).mul(beta).add(lo);
                hi = FloatVector.fromArray(species, c, ci + lanes, mHi).mul(beta).add(hi);
            }
            lo.intoArray(c, ci, mLo);
            hi.intoArray(c, ci + lanes, mHi);
        }
    }

    /** {@code C = beta * C} (zero when beta is 0, even over NaN): GEMM with k = 0 or alpha = 0. */
    private void scaleMatrix(float[] c, int cOff, int m, int n, int ldc, float beta) {
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
        int bound = species.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = off + r * cols;
            int j = 0;
            for (; j < bound; j += lanes) {
                FloatVector v = FloatVector.fromArray(species, x, row + j)
                        .add(FloatVector.fromArray(species, bias, j));
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
        FloatVector zero = FloatVector.zero(species);
        int bound = species.loopBound(n);
        int i = 0;
        for (; i < bound; i += lanes) {
            VectorMask<Float> active = FloatVector.fromArray(species, y, yOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(species, dy, dyOff + i), active).intoArray(dy, dyOff + i);
        }
        for (; i < n; i++) {
            if (!(y[yOff + i] > 0f)) {
                dy[dyOff + i] = 0f;
            }
        }
    }

    @Override
    public void columnSums(float[] x, int off, int rows, int cols, float[] out) {
        int bound = species.loopBound(cols);
        int j = 0;
        for (; j < bound; j += lanes) {
            FloatVector sum = FloatVector.zero(species);
            for (int r = 0; r < rows; r++) {
                sum = sum.add(FloatVector.fromArray(species, x, off + r * cols + j));
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
        int bound = species.loopBound(n);
        int i = 0;
        for (; i < bound; i += lanes) {
            FloatVector.fromArray(species, x, xOff + i)
                    .mul(FloatVector.fromArray(species, y, yOff + i))
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
        int bound = species.loopBound(n);
        int i = 0;
        for (; i < bound; i += lanes) {
            FloatVector gv = FloatVector.fromArray(species, g, i);
            FloatVector mv = FloatVector.fromArray(species, m, i);
            FloatVector vv = FloatVector.fromArray(species, v, i);
            mv = gv.sub(mv).mul(oneMinusBeta1).add(mv);
            vv = gv.mul(gv).sub(vv).mul(oneMinusBeta2).add(vv);
            FloatVector step = mv.mul(lr).div(vv.sqrt().add(epsilon));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector.fromArray(species, w, i).sub(step).intoArray(w, i);
        }
        for (; i < n; i++) {
            m[i] += (g[i] - m[i]) * oneMinusBeta1;
            v[i] += (g[i] * g[i] - v[i]) * oneMinusBeta2;
            w[i] -= lr * m[i] / ((float) Math.sqrt(v[i]) + epsilon);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector a = FloatVector.broadcast(species, alpha);
        int bound = species.loopBound(n);
        int i = 0;
        for (; i < bound; i += lanes) {
            FloatVector.fromArray(species, x, xOff + i)
                    .fma(a, FloatVector.fromArray(species, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    private float rowMax(float[] x, int row, int cols) {
        int bound = species.loopBound(cols);
        float max = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.broadcast(species, Float.NEGATIVE_INFINITY);
            for (; j < bound; j += lanes) {
                acc = acc.max(FloatVector.fromArray(species, x, row + j));
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
        int bound = species.loopBound(cols);
        float sum = 0f;
        int j = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(species);
            for (; j < bound; j += lanes) {
                FloatVector e = FloatVector.fromArray(species, x, row + j).sub(max).lanewise(VectorOperators.EXP);
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
        int bound = species.loopBound(cols);
        int j = 0;
        for (; j < bound; j += lanes) {
            FloatVector.fromArray(species, x, row + j).mul(s).intoArray(x, row + j);
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
