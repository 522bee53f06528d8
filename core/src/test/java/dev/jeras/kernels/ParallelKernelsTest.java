package dev.jeras.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.jeras.kernels.contract.KernelsContract;

/**
 * Every operation that splits between threads gives, bit for bit, what one thread gives, at sizes
 * above the thresholds where the split happens and with awkward remainders: each of the three ways
 * a GEMM is split, and every element-wise pass that runs in parts.
 */
class ParallelKernelsTest {

    private static final Kernels ONE = new SimdKernels(1);

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3, 4})
    void gemmSplitsAreBitIdentical(int threads) {
        Kernels many = new SimdKernels(threads, true);
        // (m, n, k, transA, transB): split by depth (small C, deep), by rows, by columns, square with remainders.
        int[][] shapes = {{32, 128, 784, 0, 0}, {33, 130, 1001, 0, 1}, {784, 128, 32, 1, 0}, {1031, 70, 17, 1, 1},
                {9, 2050, 20, 0, 0}, {131, 129, 263, 0, 0}, {200, 10, 1500, 0, 0}};
        SplittableRandom rng = new SplittableRandom(threads);
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            boolean transA = s[3] == 1;
            boolean transB = s[4] == 1;
            float[] a = KernelsContract.random(rng, m * k);
            float[] b = KernelsContract.random(rng, k * n);
            for (float[] alphaBeta : new float[][] {{1f, 0f}, {0.5f, 1.5f}}) {
                float[] c1 = KernelsContract.random(rng, m * n);
                float[] c2 = c1.clone();
                ONE.sgemm(transA, transB, m, n, k, alphaBeta[0], a, 0, transA ? m : k, b, 0, transB ? k : n, alphaBeta[1], c1, 0, n);
                many.sgemm(transA, transB, m, n, k, alphaBeta[0], a, 0, transA ? m : k, b, 0, transB ? k : n, alphaBeta[1], c2, 0, n);
                assertBitIdentical(c2, c1, "sgemm " + m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB);
            }
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void elementwisePassesAreBitIdentical(int threads) {
        Kernels many = new SimdKernels(threads, true);
        SplittableRandom rng = new SplittableRandom(10 + threads);
        int n = 100_003;

        float[] w = KernelsContract.random(rng, n);
        float[] g = KernelsContract.random(rng, n);
        float[][] state1 = {w.clone(), new float[n], new float[n]};
        float[][] state2 = {w.clone(), new float[n], new float[n]};
        for (int step = 0; step < 3; step++) {
            ONE.adam(state1[0], g, state1[1], state1[2], n, 0.001f, 0.9f, 0.999f, 1e-7f);
            many.adam(state2[0], g, state2[1], state2[2], n, 0.001f, 0.9f, 0.999f, 1e-7f);
        }
        for (int i = 0; i < 3; i++) {
            assertBitIdentical(state2[i], state1[i], "adam state " + i);
        }

        float[] x = KernelsContract.random(rng, n);
        float[] out1 = new float[n];
        float[] out2 = new float[n];
        float[] mask1 = new float[n];
        float[] mask2 = new float[n];
        ONE.dropout(x, 0, out1, 0, mask1, n, 0.2f, 99L);
        many.dropout(x, 0, out2, 0, mask2, n, 0.2f, 99L);
        assertBitIdentical(mask2, mask1, "dropout mask");
        assertBitIdentical(out2, out1, "dropout output");

        float[] dy1 = KernelsContract.random(rng, n);
        float[] dy2 = dy1.clone();
        ONE.reluBackward(dy1, 0, x, 0, n);
        many.reluBackward(dy2, 0, x, 0, n);
        assertBitIdentical(dy2, dy1, "reluBackward");

        int rows = 401;
        int cols = 130;
        float[] bias = KernelsContract.random(rng, cols);
        float[] h1 = KernelsContract.random(rng, rows * cols);
        float[] h2 = h1.clone();
        ONE.addBias(h1, 0, rows, cols, bias, true);
        many.addBias(h2, 0, rows, cols, bias, true);
        assertBitIdentical(h2, h1, "addBias");

        byte[] images = new byte[60 * 784];
        rng.nextBytes(images);
        float[] floats = KernelsContract.random(rng, 60 * 784);
        int[] order = new int[1500];
        for (int i = 0; i < order.length; i++) {
            order[i] = (i * 37) % 60;
        }
        for (int batch : new int[] {32, 7, 1400}) { // 1,400 images: past the threshold at which a gather splits
            float[] g1 = new float[batch * 784];
            float[] g2 = new float[batch * 784];
            ONE.gatherRows(images, 0, 784, order, 5, batch, 255f, g1, 0);
            many.gatherRows(images, 0, 784, order, 5, batch, 255f, g2, 0);
            assertBitIdentical(g2, g1, "byte gather of " + batch);
            int inOrder = Math.min(batch, 57);
            ONE.gatherRows(floats, 0, 784, null, 3, inOrder, g1, 0);
            many.gatherRows(floats, 0, 784, null, 3, inOrder, g2, 0);
            assertBitIdentical(g2, g1, "float gather of " + batch);
        }
    }

    private static void assertBitIdentical(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + " with more threads, " + expected[i] + " with one");
            }
        }
    }
}
