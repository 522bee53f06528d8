package dev.jeras.kernels.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jeras.kernels.Kernels;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.layers.Dropout;
import dev.jeras.optimizers.Adam;

/**
 * The contract every {@link Kernels} implementation meets: each kernel against {@link ScalarKernels},
 * the oracle, at sizes that straddle vector widths and the GEMM blocking (4 rows, 2 vectors, 256
 * deep). A subclass names the implementations; core tests SIMD, native/ tests OpenBLAS with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class KernelsContract {

    static final int[] SIZES = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 103, 127, 128, 129, 784, 1021};
    private static final Kernels ORACLE = new ScalarKernels();

    /** The implementations under test, each named for the report. */
    protected abstract Stream<Named<Kernels>> implementations();

    public Stream<Arguments> implementationsAndSizes() {
        return implementations().flatMap(k -> IntStream.of(SIZES).mapToObj(n -> Arguments.of(k, n)));
    }

    /** (m, n, k) triples: cubes up to 129, then each size along one axis with the others awkward. */
    public static List<int[]> gemmShapes() {
        List<int[]> shapes = new ArrayList<>();
        for (int s : SIZES) {
            if (s <= 129) {
                shapes.add(new int[] {s, s, s});
            }
            shapes.add(new int[] {s, 17, 9});
            shapes.add(new int[] {9, s, 17});
            shapes.add(new int[] {17, 9, s});
        }
        // The quickstart's own shapes at batch 32, and a K that spans several KC blocks.
        shapes.add(new int[] {32, 128, 784});
        shapes.add(new int[] {784, 128, 32});
        shapes.add(new int[] {128, 10, 32});
        shapes.add(new int[] {32, 128, 10});
        shapes.add(new int[] {5, 33, 600});
        // Large enough to be split between threads: by depth, by rows, by columns.
        shapes.add(new int[] {33, 129, 800});
        shapes.add(new int[] {1001, 33, 20});
        shapes.add(new int[] {9, 2050, 20});
        // Exactly one vector wide at 128, 256 and 512 bits, deeper than one block: the narrow
        // kernel's direct, accumulating path (with 17 rows: two 8-row tiles and a leftover row).
        for (int width : new int[] {4, 8, 16}) {
            shapes.add(new int[] {17, width, 600});
            shapes.add(new int[] {16, width, 300});
        }
        return shapes;
    }

    public Stream<Arguments> gemmCases() {
        float[][] alphaBeta = {{1f, 0f}, {0.5f, 2f}, {-1.5f, 1f}, {0f, 0.5f}};
        return implementations().flatMap(k -> gemmShapes().stream().flatMap(s -> Stream.of(
                Arguments.of(k, s[0], s[1], s[2], false, false, alphaBeta[s[0] % 4]),
                Arguments.of(k, s[0], s[1], s[2], true, false, alphaBeta[s[1] % 4]),
                Arguments.of(k, s[0], s[1], s[2], false, true, alphaBeta[s[2] % 4]),
                Arguments.of(k, s[0], s[1], s[2], true, true, alphaBeta[(s[0] + 1) % 4]))));
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3} transA={4} transB={5}")
    @MethodSource("gemmCases")
    public void sgemmMatchesOracle(Kernels kernels, int m, int n, int k, boolean transA, boolean transB, float[] alphaBeta) {
        SplittableRandom rng = new SplittableRandom(31L * m + 7L * n + k);
        // Leading dimensions wider than the matrices and non-zero offsets, as views into bigger arrays produce.
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 5;
        int ldc = n + 2;
        int aOff = 4;
        int bOff = 1;
        int cOff = 6;
        float[] a = random(rng, aOff + lda * (transA ? k : m));
        float[] b = random(rng, bOff + ldb * (transB ? n : k));
        float[] c = random(rng, cOff + ldc * m);
        float alpha = alphaBeta[0];
        float beta = alphaBeta[1];
        if (beta == 0f) {
            Arrays.fill(c, Float.NaN); // beta = 0 means C is not read, so NaN must not leak in
        }
        float[] expected = c.clone();
        float[] actual = c.clone();
        ORACLE.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
        kernels.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);

        float tolerance = 1e-6f * k + 1e-5f;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                int idx = cOff + i * ldc + j;
                if (j < n) {
                    assertThat(actual[idx]).as("C[%d][%d]", i, j).isCloseTo(expected[idx], within(tolerance, expected[idx]));
                } else {
                    assertThat(Float.floatToRawIntBits(actual[idx])).as("padding C[%d][%d] must be untouched", i, j)
                            .isEqualTo(Float.floatToRawIntBits(c[idx]));
                }
            }
        }
        for (int idx = 0; idx < cOff; idx++) {
            assertThat(Float.floatToRawIntBits(actual[idx])).as("before C").isEqualTo(Float.floatToRawIntBits(c[idx]));
        }
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("implementationsAndSizes")
    public void elementwiseOpsMatchOracle(Kernels kernels, int n) {
        SplittableRandom rng = new SplittableRandom(n);
        int rows = 3;
        int off = 5;

        for (boolean relu : new boolean[] {false, true}) {
            float[] x = random(rng, off + rows * n);
            float[] bias = random(rng, n);
            float[] expected = x.clone();
            ORACLE.addBias(expected, off, rows, n, bias, relu);
            kernels.addBias(x, off, rows, n, bias, relu);
            assertThat(x).as("addBias relu=%s", relu).containsExactly(expected);
        }

        float[] y = random(rng, off + n);
        y[off] = 0f; // the gradient of ReLU at exactly 0 is 0
        float[] dy = random(rng, off + n);
        float[] dyExpected = dy.clone();
        ORACLE.reluBackward(dyExpected, off, y, off, n);
        kernels.reluBackward(dy, off, y, off, n);
        assertThat(dy).as("reluBackward").containsExactly(dyExpected);

        float[] m = random(rng, off + rows * n);
        float[] sums = new float[n];
        float[] sumsExpected = new float[n];
        ORACLE.columnSums(m, off, rows, n, sumsExpected);
        kernels.columnSums(m, off, rows, n, sums);
        assertClose(sums, sumsExpected, 1e-6f * rows, "columnSums");

        float[] p = random(rng, n + 2);
        float[] q = random(rng, n + 1);
        float[] prod = new float[n + 3];
        float[] prodExpected = new float[n + 3];
        ORACLE.multiply(p, 2, q, 1, prodExpected, 3, n);
        kernels.multiply(p, 2, q, 1, prod, 3, n);
        assertThat(prod).as("multiply").containsExactly(prodExpected);

        float[] yy = random(rng, n + 4);
        float[] yyExpected = yy.clone();
        ORACLE.axpy(n, -0.75f, p, 2, yyExpected, 4);
        kernels.axpy(n, -0.75f, p, 2, yy, 4);
        assertClose(yy, yyExpected, 1e-6f, "axpy");
    }

    /** Dropout masks and batch gathers are exact: the same hash, the same division, in every implementation. */
    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("implementationsAndSizes")
    public void dropoutAndGatherMatchOracleExactly(Kernels kernels, int n) {
        SplittableRandom rng = new SplittableRandom(400 + n);
        int size = n * 37 + 5; // past the threshold at which passes are split between threads, for large n
        float[] x = random(rng, size + 3);
        float[] out = new float[size + 2];
        float[] outExpected = new float[size + 2];
        float[] mask = new float[size];
        float[] maskExpected = new float[size];
        ORACLE.dropout(x, 3, outExpected, 2, maskExpected, size, 0.3f, 1234L + n);
        kernels.dropout(x, 3, out, 2, mask, size, 0.3f, 1234L + n);
        assertThat(mask).as("dropout mask").containsExactly(maskExpected);
        assertThat(out).as("dropout output").containsExactly(outExpected);
        if (size >= 10_000) {
            long dropped = IntStream.range(0, size).filter(i -> mask[i] == 0f).count();
            assertThat((double) dropped / size).as("fraction dropped at rate 0.3").isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.02));
            assertThat(mask).as("kept values are scaled by 1 / (1 - rate)").containsOnly(0f, 1f / 0.7f);
        }

        int rows = 9;
        byte[] bytes = new byte[2 + (rows + 3) * n];
        rng.nextBytes(bytes);
        int[] order = new int[rows + 4];
        for (int i = 0; i < order.length; i++) {
            order[i] = (i * 5 + 1) % (rows + 3);
        }
        float[] floats = random(rng, 2 + (rows + 3) * n);
        for (int[] o : new int[][] {order, null}) {
            float[] dst = new float[1 + rows * n];
            float[] dstExpected = new float[1 + rows * n];
            ORACLE.gatherRows(bytes, 2, n, o, 2, rows, 255f, dstExpected, 1);
            kernels.gatherRows(bytes, 2, n, o, 2, rows, 255f, dst, 1);
            assertThat(dst).as("byte gather").containsExactly(dstExpected);
            ORACLE.gatherRows(floats, 2, n, o, 1, rows, dstExpected, 1);
            kernels.gatherRows(floats, 2, n, o, 1, rows, dst, 1);
            assertThat(dst).as("float gather").containsExactly(dstExpected);
        }
    }

    @ParameterizedTest(name = "{0} classes={1}")
    @MethodSource("implementationsAndSizes")
    public void softmaxAndCrossEntropyMatchOracle(Kernels kernels, int cols) {
        SplittableRandom rng = new SplittableRandom(100 + cols);
        int rows = 7;
        int off = 3;
        float[] logits = random(rng, off + rows * cols);
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= 20f; // wide logits exercise the max subtraction
        }
        int[] labels = new int[rows + 2];
        for (int r = 0; r < labels.length; r++) {
            labels[r] = rng.nextInt(cols);
        }

        float[] soft = logits.clone();
        float[] softExpected = logits.clone();
        ORACLE.softmax(softExpected, off, rows, cols);
        kernels.softmax(soft, off, rows, cols);
        assertClose(soft, softExpected, 2e-6f, "softmax");

        float[] grad = new float[off + rows * cols];
        float[] gradExpected = new float[off + rows * cols];
        double loss = kernels.softmaxCrossEntropy(logits, off, rows, cols, labels, 2, grad, off, 0.25f);
        double lossExpected = ORACLE.softmaxCrossEntropy(logits, off, rows, cols, labels, 2, gradExpected, off, 0.25f);
        assertThat(loss).as("loss").isCloseTo(lossExpected, org.assertj.core.data.Offset.offset(1e-4 * rows));
        assertClose(grad, gradExpected, 1e-6f, "cross-entropy gradient");
        double lossOnly = kernels.softmaxCrossEntropy(logits, off, rows, cols, labels, 2, null, 0, 1f);
        assertThat(lossOnly).as("loss without gradient").isCloseTo(lossExpected, org.assertj.core.data.Offset.offset(1e-4 * rows));
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("implementationsAndSizes")
    public void adamMatchesOracle(Kernels kernels, int n) {
        SplittableRandom rng = new SplittableRandom(200 + n);
        float[] w = random(rng, n);
        float[] g = random(rng, n);
        float[] m = random(rng, n);
        float[] v = random(rng, n);
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(v[i]);
        }
        float[] wE = w.clone();
        float[] mE = m.clone();
        float[] vE = v.clone();
        ORACLE.adam(wE, g, mE, vE, n, 0.01f, 0.9f, 0.999f, 1e-7f);
        kernels.adam(w, g, m, v, n, 0.01f, 0.9f, 0.999f, 1e-7f);
        assertClose(m, mE, 1e-7f, "adam m");
        assertClose(v, vE, 1e-7f, "adam v");
        assertClose(w, wE, 1e-6f, "adam w");
    }

    /**
     * No subnormal survives in Adam's state: gradients that fall to zero let m decay by beta1 per step
     * through the subnormal range (and v by beta2), and tiny gradients square into it. Checked on the
     * state itself, since the cost (a microcode assist per instruction on Intel) does not show on
     * every CPU. The implementation must also agree with the oracle bit for bit on the way.
     */
    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("implementationsAndSizes")
    public void adamKeepsNoSubnormalState(Kernels kernels, int n) {
        SplittableRandom rng = new SplittableRandom(300 + n);
        float[] w = random(rng, n);
        float[] g = random(rng, n);
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Tiny gradients (their squares underflow), subnormal ones, and ordinary ones.
            g[i] = switch (i % 3) {
                case 0 -> g[i] * 1e-20f;
                case 1 -> g[i] * Float.MIN_NORMAL / 4;
                default -> g[i];
            };
        }
        float[] wE = w.clone();
        float[] mE = m.clone();
        float[] vE = v.clone();
        float[] zero = new float[n];
        for (int step = 0; step < 1200; step++) {
            float[] grad = step < 5 ? g : zero; // then the gradients stop: m decays by 0.9 per step
            ORACLE.adam(wE, grad, mE, vE, n, 0.001f, 0.9f, 0.999f, 1e-7f);
            kernels.adam(w, grad, m, v, n, 0.001f, 0.9f, 0.999f, 1e-7f);
            for (int i = 0; i < n; i++) {
                if (isSubnormal(m[i]) || isSubnormal(v[i])) {
                    throw new AssertionError(String.format("step %d: m[%d] = %s, v[%d] = %s: a subnormal was kept",
                            step, i, m[i], i, v[i]));
                }
            }
        }
        assertThat(m).as("m after the moments decayed").containsExactly(mE);
        assertThat(v).as("v").containsExactly(vE);
        assertThat(w).as("w").containsExactly(wE);
        assertThat(m).as("m has decayed to zero").containsOnly(0f);
    }

    /** One optimizer kernel applied to weights, a gradient and the state arrays. */
    @FunctionalInterface
    public interface OptimizerKernel {
        void step(Kernels k, float[] w, float[] g, float[][] state, int n);
    }

    public Stream<Arguments> optimizerKernels() {
        List<Arguments> cases = new ArrayList<>();
        Map<String, Object[]> kernels = new java.util.LinkedHashMap<>();
        kernels.put("adam amsgrad", new Object[] {3, (OptimizerKernel) (k, w, g, s, n) ->
                k.adamAmsgrad(w, g, s[0], s[1], s[2], n, 0.01f, 0.9f, 0.999f, 1e-7f)});
        kernels.put("sgd momentum", new Object[] {1, (OptimizerKernel) (k, w, g, s, n) -> k.sgdMomentum(w, g, s[0], n, 0.01f, 0.9f, false)});
        kernels.put("sgd nesterov", new Object[] {1, (OptimizerKernel) (k, w, g, s, n) -> k.sgdMomentum(w, g, s[0], n, 0.01f, 0.9f, true)});
        kernels.put("rmsprop", new Object[] {1, (OptimizerKernel) (k, w, g, s, n) ->
                k.rmsprop(w, g, s[0], null, null, n, 0.001f, 0.9f, 0f, 1e-7f)});
        kernels.put("rmsprop momentum centered", new Object[] {3, (OptimizerKernel) (k, w, g, s, n) ->
                k.rmsprop(w, g, s[0], s[1], s[2], n, 0.001f, 0.9f, 0.5f, 1e-7f)});
        kernels.put("adagrad", new Object[] {1, (OptimizerKernel) (k, w, g, s, n) -> k.adagrad(w, g, s[0], n, 0.01f, 1e-7f)});
        for (Arguments impl : implementationsAndSizes().toList()) {
            for (Map.Entry<String, Object[]> e : kernels.entrySet()) {
                cases.add(Arguments.of(impl.get()[0], impl.get()[1], e.getKey(), e.getValue()[0], e.getValue()[1]));
            }
        }
        return cases.stream();
    }

    /**
     * Every optimizer kernel against the scalar oracle at awkward sizes: a few steps from random
     * state with ordinary gradients, then many with tiny, subnormal and vanishing gradients, during
     * which no state value may be subnormal (Intel pays a microcode assist per instruction on one).
     */
    @ParameterizedTest(name = "{0} n={1} {2}")
    @MethodSource("optimizerKernels")
    public void optimizerKernelsMatchOracleAndKeepNoSubnormalState(Kernels kernels, int n, String name, int slots,
                                                                   OptimizerKernel kernel) {
        SplittableRandom rng = new SplittableRandom(400 + n + name.hashCode());
        float[] w = random(rng, n);
        float[][] state = new float[slots][n];
        for (float[] slot : state) {
            float[] r = random(rng, n);
            for (int i = 0; i < n; i++) {
                // Second moments and accumulators are not negative; a centred velocity exceeds the squared mean gradient.
                slot[i] = name.startsWith("sgd") ? r[i] : Math.abs(r[i]) + (name.contains("centered") ? 0.05f : 0f);
            }
        }
        if (name.contains("centered")) {
            for (int i = 0; i < n; i++) {
                state[2][i] = state[2][i] * 0.1f; // the mean gradient, small beside the mean square
            }
        }
        float[] wE = w.clone();
        float[][] stateE = new float[slots][];
        for (int j = 0; j < slots; j++) {
            stateE[j] = state[j].clone();
        }
        float[] g = random(rng, n);
        float[] tiny = new float[n];
        for (int i = 0; i < n; i++) {
            tiny[i] = i % 2 == 0 ? g[i] * 1e-20f : g[i] * Float.MIN_NORMAL / 4;
        }
        float[] zero = new float[n];
        for (int step = 0; step < 1300; step++) {
            float[] grad = step < 5 ? g : step < 10 ? tiny : zero;
            kernel.step(ORACLE, wE, grad, stateE, n);
            kernel.step(kernels, w, grad, state, n);
            if (step == 4) {
                assertClose(w, wE, 1e-6f, name + " w after 5 steps");
                for (int j = 0; j < slots; j++) {
                    assertClose(state[j], stateE[j], 1e-6f, name + " state " + j + " after 5 steps");
                }
            }
            for (int j = 0; j < slots; j++) {
                for (int i = 0; i < n; i++) {
                    if (isSubnormal(state[j][i]) || isSubnormal(stateE[j][i])) {
                        throw new AssertionError(String.format("%s step %d: state %d [%d] = %s (oracle %s): a subnormal was kept",
                                name, step, j, i, state[j][i], stateE[j][i]));
                    }
                }
            }
        }
        assertClose(w, wE, 1e-5f, name + " w at the end");
    }

    private static boolean isSubnormal(float x) {
        return x != 0f && Math.abs(x) < Float.MIN_NORMAL;
    }

    public static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }

    private static org.assertj.core.data.Offset<Float> within(float tolerance, float expected) {
        return org.assertj.core.data.Offset.offset(tolerance * Math.max(1f, Math.abs(expected)));
    }

    public static void assertClose(float[] actual, float[] expected, float tolerance, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("%s[%d]", what, i).isCloseTo(expected[i], within(tolerance, expected[i]));
        }
    }
}
