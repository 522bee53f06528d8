package dev.jeras.kernels;

import dev.jeras.optimizers.Adam;
import dev.jeras.optimizers.SGD;

/**
 * The compute seam: a BLAS-shaped GEMM and the element-wise operations a training step needs.
 *
 * <p>All matrices are row-major {@code float[]} storage addressed by an offset and, for GEMM, a
 * leading dimension (the distance between rows). {@link #sgemm} is the one entry open to any caller:
 * it checks every argument and names the one that is wrong, so that no bad call reaches a kernel,
 * native code included, and then calls the implementation's {@link #gemm}. The element-wise
 * operations trust their arguments: jeras's layers, losses and optimizers validate shapes once, above
 * the kernels. {@link ScalarKernels} is the readable reference and the test oracle;
 * {@link SimdKernels} is the Vector API implementation.
 *
 * <p>Kernels are safe to share between threads: a call keeps its scratch space per thread.
 */
public abstract class Kernels {

    /** For subclasses. */
    protected Kernels() {
    }

    /** A short description of this implementation, for example {@code simd(256-bit, 8 lanes, fma, 2 threads)}. */
    public abstract String name();

    /** How many threads the kernels split large operations over (1: the calling thread only). */
    public int threads() {
        return 1;
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} where {@code op(X)} is {@code X} or its transpose,
     * op(A) is m x k, op(B) is k x n and C is m x n. When beta is 0, C is not read (BLAS semantics).
     *
     * @throws IllegalArgumentException naming the argument, when a size is negative, a leading
     *         dimension is too small, or a matrix does not fit in its array at its offset
     * @throws NullPointerException when an array that would be read or written is null
     */
    public final void sgemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** {@link #sgemm} after its arguments were checked: the implementation, trusting them. */
    protected abstract void gemm(boolean transA, boolean transB, int m, int n, int k,
                                 float alpha, float[] a, int aOff, int lda,
                                 float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc);

    /** Adds {@code bias[j]} to every row of the rows x cols block at {@code off}, then clamps at 0 when {@code relu}. */
    public abstract void addBias(float[] x, int off, int rows, int cols, float[] bias, boolean relu);

    /** Zeroes {@code dy[i]} wherever the ReLU output {@code y[i]} is not positive (the ReLU gradient, in place). */
    public abstract void reluBackward(float[] dy, int dyOff, float[] y, int yOff, int n);

    /** {@code out[j] = sum over rows r of x[r, j]}, overwriting out (the bias gradient). */
    public abstract void columnSums(float[] x, int off, int rows, int cols, float[] out);

    /** {@code out[i] = x[i] * y[i]} for n elements (applies a dropout mask; out may alias x). */
    public abstract void multiply(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /**
     * Inverted dropout of n elements: element i is dropped when {@link #dropoutBits dropoutBits(seed, i)}
     * falls below {@code rate * 2^24}. Writes {@code mask[i]} (0, or {@code 1 / (1 - rate)} for a kept
     * element) and {@code out[i] = x[i] * mask[i]} (out may alias x). The mask depends only on the
     * seed and the index, so it is the same however the work is split.
     */
    public abstract void dropout(float[] x, int xOff, float[] out, int outOff, float[] mask, int n, float rate, long seed);

    /** Replaces each row of the rows x cols block at {@code off} by its softmax (max subtracted first). */
    public abstract void softmax(float[] x, int off, int rows, int cols);

    /**
     * Sparse softmax cross-entropy from logits, fused with its gradient: returns the sum over rows of
     * {@code logsumexp(row) - row[label]}, and when {@code grad} is not null writes
     * {@code (softmax(row) - onehot(label)) * gradScale} there.
     */
    public abstract double softmaxCrossEntropy(float[] logits, int off, int rows, int cols, int[] labels, int labelOff,
                                               float[] grad, int gradOff, float gradScale);

    /**
     * One Adam step over n parameters in Keras's epsilon-hat form: {@code m += (g - m)(1 - beta1)},
     * {@code v += (g^2 - v)(1 - beta2)}, {@code w -= lr * m / (sqrt(v) + epsilon)}, where lr already
     * carries the bias correction {@code sqrt(1 - beta2^t) / (1 - beta1^t)}. New values of m and v
     * smaller in magnitude than {@link Float#MIN_NORMAL} are stored as zero (no subnormals in state).
     */
    public abstract void adam(float[] w, float[] g, float[] m, float[] v, int n,
                              float lr, float beta1, float beta2, float epsilon);

    /**
     * Adam with {@code amsgrad}: as {@link #adam}, then {@code vHat = max(vHat, v)} and
     * {@code w -= lr * m / (sqrt(vHat) + epsilon)}. No subnormals in m, v or vHat.
     */
    public abstract void adamAmsgrad(float[] w, float[] g, float[] m, float[] v, float[] vHat, int n,
                                     float lr, float beta1, float beta2, float epsilon);

    /**
     * SGD with momentum, as Keras's: {@code m = m * momentum - g * lr}, then {@code w += m}, or with
     * Nesterov {@code w += m * momentum - g * lr}. No subnormals in m.
     */
    public abstract void sgdMomentum(float[] w, float[] g, float[] m, int n, float lr, float momentum, boolean nesterov);

    /**
     * RMSprop, as Keras's: {@code v = rho v + (1 - rho) g^2}; centered ({@code average} not null):
     * {@code a = rho a + (1 - rho) g} and the denominator {@code v - a^2 + epsilon}, else
     * {@code v + epsilon}; {@code inc = lr g / sqrt(denominator)}; with {@code mom} not null,
     * {@code mom = momentum mom + inc} and {@code w -= mom}, else {@code w -= inc}. No subnormals in state.
     */
    public abstract void rmsprop(float[] w, float[] g, float[] v, float[] mom, float[] average, int n,
                                 float lr, float rho, float momentum, float epsilon);

    /** Adagrad, as Keras's: {@code acc += g^2}, {@code w -= lr g / sqrt(acc + epsilon)}. No subnormals in acc. */
    public abstract void adagrad(float[] w, float[] g, float[] acc, int n, float lr, float epsilon);

    /** {@code y[i] += alpha * x[i]} for n elements (plain SGD is {@code axpy(-lr, grad, w)}). */
    public abstract void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /**
     * Gathers a batch: row r of {@code dst} (at {@code dstOff}, rows {@code rowSize} apart) becomes
     * row {@code order[from + r]} of {@code src}, or row {@code from + r} when order is null, for r
     * below {@code rows}.
     */
    public abstract void gatherRows(float[] src, int srcOff, int rowSize, int[] order, int from, int rows,
                                    float[] dst, int dstOff);

    /**
     * Gathers a batch of unsigned bytes as floats: as {@link #gatherRows(float[], int, int, int[], int, int, float[], int)},
     * each byte b becoming {@code (b & 0xFF) / divisor}, exactly as a float division (images kept as
     * bytes and scaled by 1/255 per batch equal {@code x / 255f}).
     */
    public abstract void gatherRows(byte[] src, int srcOff, int rowSize, int[] order, int from, int rows, float divisor,
                                    float[] dst, int dstOff);

    /**
     * The 32 random bits that decide whether element {@code index} of a dropout stream is dropped: a
     * keyed integer hash (two rounds of a multiply-xorshift mixer) of the index and the stream's seed.
     * Counter-based, so any range of a mask can be computed on its own, in any order.
     */
    public static int dropoutBits(long seed, int index) {
        int h = mix(index ^ (int) seed);
        return mix(h ^ (int) (seed >>> 32));
    }

    /** The dropout threshold on the top 24 bits of {@link #dropoutBits}: drop when {@code bits >>> 8 < threshold}. */
    public static int dropoutThreshold(float rate) {
        return (int) (rate * (double) (1 << 24));
    }

    /** The 32-bit mixer of {@link #dropoutBits} (Chris Wellons's lowbias32). */
    static int mix(int x) {
        x ^= x >>> 16;
        x *= 0x7feb352d;
        x ^= x >>> 15;
        x *= 0x846ca68b;
        x ^= x >>> 16;
        return x;
    }

    /** The kernels this JVM uses unless told otherwise; chosen once, see {@link KernelSelector}. */
    public static Kernels active() {
        return KernelSelector.Holder.SELECTION.kernels();
    }

    /** The selection behind {@link #active()}: the kernels and why they were chosen. */
    public static KernelSelector.Selection selection() {
        return KernelSelector.Holder.SELECTION;
    }
}
