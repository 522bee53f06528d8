package dev.jeras.datasets;

import java.util.SplittableRandom;

import dev.jeras.IntTensor;
import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Layer;

/**
 * Shuffling and splitting in-memory datasets, as a Keras user does with NumPy and scikit-learn's
 * {@code train_test_split}: {@link #permutation}, {@link #take} and {@link #trainTestSplit}. Samples
 * are rows (the first dimension); every result is a new tensor.
 */
public final class Datasets {

    private Datasets() {
    }

    /** The samples split in two, in the shuffled order. */
    public record Split<Y>(Tensor xTrain, Y yTrain, Tensor xTest, Y yTest) {
    }

    /** A random order of {@code 0 .. n-1} (Fisher-Yates) from {@code seed}, as NumPy's {@code permutation}. */
    public static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The rows {@code indices} of {@code x}, in that order, as a new float tensor ({@code x[indices]}). */
    public static Tensor take(Tensor x, int[] indices) {
        checkIndices(indices, x.rows());
        Shape sample = x.shape().withoutBatch();
        float[] data = new float[Layer.sizeOf(indices.length, x.rowSize())];
        x.gatherRows(Kernels.active(), indices, 0, indices.length, data, 0);
        return Tensor.wrap(data, 0, sample.withBatch(indices.length));
    }

    /** The labels {@code indices} of {@code y}, in that order. */
    public static UInt8Tensor take(UInt8Tensor y, int[] indices) {
        checkIndices(indices, y.rows());
        int[] all = y.toIntArray();
        int width = y.size() / Math.max(1, y.rows());
        byte[] data = new byte[indices.length * width];
        for (int r = 0; r < indices.length; r++) {
            for (int j = 0; j < width; j++) {
                data[r * width + j] = (byte) all[indices[r] * width + j];
            }
        }
        return UInt8Tensor.wrap(data, y.shape().withoutBatch().withBatch(indices.length).dims());
    }

    /** The labels {@code indices} of {@code y}, in that order. */
    public static IntTensor take(IntTensor y, int[] indices) {
        checkIndices(indices, y.rows());
        int[] all = y.toArray();
        int width = y.size() / Math.max(1, y.rows());
        int[] data = new int[indices.length * width];
        for (int r = 0; r < indices.length; r++) {
            System.arraycopy(all, indices[r] * width, data, r * width, width);
        }
        return IntTensor.of(data, y.shape().withoutBatch().withBatch(indices.length).dims());
    }

    /**
     * Shuffles samples and labels together and holds out {@code testSize} of them (rounded up, as
     * scikit-learn's {@code train_test_split}) as the test part.
     */
    public static Split<UInt8Tensor> trainTestSplit(Tensor x, UInt8Tensor y, double testSize, long seed) {
        int[][] parts = parts(x.rows(), y.rows(), testSize, seed);
        return new Split<>(take(x, parts[0]), take(y, parts[0]), take(x, parts[1]), take(y, parts[1]));
    }

    /** {@link #trainTestSplit(Tensor, UInt8Tensor, double, long)} for wider class indices. */
    public static Split<IntTensor> trainTestSplit(Tensor x, IntTensor y, double testSize, long seed) {
        int[][] parts = parts(x.rows(), y.rows(), testSize, seed);
        return new Split<>(take(x, parts[0]), take(y, parts[0]), take(x, parts[1]), take(y, parts[1]));
    }

    /** {@link #trainTestSplit(Tensor, UInt8Tensor, double, long)} for float targets. */
    public static Split<Tensor> trainTestSplit(Tensor x, Tensor y, double testSize, long seed) {
        int[][] parts = parts(x.rows(), y.rows(), testSize, seed);
        return new Split<>(take(x, parts[0]), take(y, parts[0]), take(x, parts[1]), take(y, parts[1]));
    }

    private static int[][] parts(int n, int labels, double testSize, long seed) {
        if (n != labels) {
            throw new IllegalArgumentException("expected one label per sample: " + n + " samples, received " + labels + " labels");
        }
        if (!(testSize > 0 && testSize < 1)) {
            throw new IllegalArgumentException("testSize must be a fraction in (0, 1), received " + testSize);
        }
        int test = (int) Math.ceil(n * testSize);
        if (test >= n) {
            throw new IllegalArgumentException("testSize " + testSize + " of " + n + " samples leaves none to train on");
        }
        int[] order = permutation(n, seed);
        return new int[][] {java.util.Arrays.copyOfRange(order, 0, n - test), java.util.Arrays.copyOfRange(order, n - test, n)};
    }

    private static void checkIndices(int[] indices, int rows) {
        for (int i : indices) {
            if (i < 0 || i >= rows) {
                throw new IllegalArgumentException("index " + i + " is outside the " + rows + " samples");
            }
        }
    }
}
