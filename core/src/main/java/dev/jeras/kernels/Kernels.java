package dev.jeras.kernels;

/**
 * The compute seam: a BLAS-shaped GEMM and the element-wise operations a training step needs.
 *
 * <p>All matrices are row-major {@code float[]} storage addressed by an offset and, for GEMM, a
 * leading dimension (the distance between rows). Implementations trust their arguments: callers
 * (layers, losses, optimizers) validate shapes once, above the kernels. {@link ScalarKernels} is the
 * readable reference and the test oracle; {@link SimdKernels} is the Vector API implementation.
 */
public interface Kernels {

    /** A short description of this implementation, for example {@code simd(256-bit, 8 lanes, fma)}. */
    String name();

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} where {@code op(X)} is {@code X} or its transpose,
     * op(A) is m x k, op(B) is k x n and C is m x n. When beta is 0, C is not read (BLAS semantics).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /** Adds {@code bias[j]} to every row of the rows x cols block at {@code off}, then clamps at 0 when {@code relu}. */
    void addBias(float[] x, int off, int rows, int cols, float[] bias, boolean relu);

    /** Zeroes {@code dy[i]} wherever the ReLU output {@code y[i]} is not positive (the ReLU gradient, in place). */
    void reluBackward(float[] dy, int dyOff, float[] y, int yOff, int n);

    /** {@code out[j] = sum over rows r of x[r, j]}, overwriting out (the bias gradient). */
    void columnSums(float[] x, int off, int rows, int cols, float[] out);

    /** {@code out[i] = x[i] * y[i]} for n elements (applies a dropout mask; out may alias x). */
    void multiply(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** Replaces each row of the rows x cols block at {@code off} by its softmax (max subtracted first). */
    void softmax(float[] x, int off, int rows, int cols);

    /**
     * Sparse softmax cross-entropy from logits, fused with its gradient: returns the sum over rows of
     * {@code logsumexp(row) - row[label]}, and when {@code grad} is not null writes
     * {@code (softmax(row) - onehot(label)) * gradScale} there.
     */
    double softmaxCrossEntropy(float[] logits, int off, int rows, int cols, int[] labels, int labelOff,
                               float[] grad, int gradOff, float gradScale);

    /** {@code out[outOff + r]} = the index of the largest value of row r (the first one on ties). */
    void argmax(float[] x, int off, int rows, int cols, int[] out, int outOff);

    /**
     * One Adam step over n parameters in Keras's epsilon-hat form: {@code m += (g - m)(1 - beta1)},
     * {@code v += (g^2 - v)(1 - beta2)}, {@code w -= lr * m / (sqrt(v) + epsilon)}, where lr already
     * carries the bias correction {@code sqrt(1 - beta2^t) / (1 - beta1^t)}. New values of m and v
     * smaller in magnitude than {@link Float#MIN_NORMAL} are stored as zero (no subnormals in state).
     */
    void adam(float[] w, float[] g, float[] m, float[] v, int n,
              float lr, float beta1, float beta2, float epsilon);

    /** {@code y[i] += alpha * x[i]} for n elements (plain SGD is {@code axpy(-lr, grad, w)}). */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** The kernels this JVM uses unless told otherwise; chosen once, see {@link KernelSelector}. */
    static Kernels active() {
        return KernelSelector.Holder.SELECTION.kernels();
    }

    /** The selection behind {@link #active()}: the kernels and why they were chosen. */
    static KernelSelector.Selection selection() {
        return KernelSelector.Holder.SELECTION;
    }
}
