package dev.jeras.kernels;

/**
 * Plain Java loops: the readable reference every other implementation is tested against.
 *
 * <p>Written for clarity, not speed. Sums accumulate in float in the natural order, as a simple
 * BLAS would; exp and log go through {@link Math} in double and are rounded to float.
 */
public final class ScalarKernels extends Kernels {

    /** The reference kernels. */
    public ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    protected void gemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        // Row i of C is built up one term p at a time (i-p-j order): the inner loop walks C and,
        // without a transpose, B along a row, so the JIT can vectorise it even in the reference.
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
            }
            for (int p = 0; p < k; p++) {
                float aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * (transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
                }
            }
        }
    }

    @Override
    public void dropout(float[] x, int xOff, float[] out, int outOff, float[] mask, int n, float rate, long seed) {
        int threshold = dropoutThreshold(rate);
        float keep = 1f / (1f - rate);
        for (int i = 0; i < n; i++) {
            mask[i] = dropoutBits(seed, i) >>> 8 < threshold ? 0f : keep;
            out[outOff + i] = x[xOff + i] * mask[i];
        }
    }

    @Override
    public void gatherRows(float[] src, int srcOff, int rowSize, int[] order, int from, int rows, float[] dst, int dstOff) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, srcOff + (order == null ? from + r : order[from + r]) * rowSize, dst, dstOff + r * rowSize, rowSize);
        }
    }

    @Override
    public void gatherRows(byte[] src, int srcOff, int rowSize, int[] order, int from, int rows, float divisor,
                           float[] dst, int dstOff) {
        for (int r = 0; r < rows; r++) {
            int s = srcOff + (order == null ? from + r : order[from + r]) * rowSize;
            int d = dstOff + r * rowSize;
            for (int j = 0; j < rowSize; j++) {
                dst[d + j] = (src[s + j] & 0xFF) / divisor;
            }
        }
    }

    @Override
    public void addBias(float[] x, int off, int rows, int cols, float[] bias, boolean relu) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int i = off + r * cols + j;
                float v = x[i] + bias[j];
                x[i] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    @Override
    public void reluBackward(float[] dy, int dyOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            if (!(y[yOff + i] > 0f)) {
                dy[dyOff + i] = 0f;
            }
        }
    }

    @Override
    public void columnSums(float[] x, int off, int rows, int cols, float[] out) {
        for (int j = 0; j < cols; j++) {
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                sum += x[off + r * cols + j];
            }
            out[j] = sum;
        }
    }

    @Override
    public void multiply(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * y[yOff + i];
        }
    }

    @Override
    public void softmax(float[] x, int off, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = off + r * cols;
            float max = rowMax(x, row, cols);
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[row + j] - max);
                x[row + j] = e;
                sum += e;
            }
            for (int j = 0; j < cols; j++) {
                x[row + j] /= sum;
            }
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
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                sum += (float) Math.exp(logits[row + j] - max);
            }
            // loss = logsumexp(row) - row[label], computed on shifted logits for stability
            total += (float) Math.log(sum) - (logits[row + label] - max);
            if (grad != null) {
                int g = gradOff + r * cols;
                for (int j = 0; j < cols; j++) {
                    float p = (float) Math.exp(logits[row + j] - max) / sum;
                    grad[g + j] = (j == label ? p - 1f : p) * gradScale;
                }
            }
        }
        return total;
    }

    @Override
    public void adam(float[] w, float[] g, float[] m, float[] v, int n,
                     float lr, float beta1, float beta2, float epsilon) {
        for (int i = 0; i < n; i++) {
            m[i] = flushSubnormal(m[i] + (g[i] - m[i]) * (1f - beta1));
            v[i] = flushSubnormal(v[i] + (g[i] * g[i] - v[i]) * (1f - beta2));
            w[i] -= lr * m[i] / ((float) Math.sqrt(v[i]) + epsilon);
        }
    }

    @Override
    public void adamAmsgrad(float[] w, float[] g, float[] m, float[] v, float[] vHat, int n,
                            float lr, float beta1, float beta2, float epsilon) {
        for (int i = 0; i < n; i++) {
            m[i] = flushSubnormal(m[i] + (g[i] - m[i]) * (1f - beta1));
            v[i] = flushSubnormal(v[i] + (g[i] * g[i] - v[i]) * (1f - beta2));
            vHat[i] = Math.max(vHat[i], v[i]);
            w[i] -= lr * m[i] / ((float) Math.sqrt(vHat[i]) + epsilon);
        }
    }

    @Override
    public void sgdMomentum(float[] w, float[] g, float[] m, int n, float lr, float momentum, boolean nesterov) {
        for (int i = 0; i < n; i++) {
            m[i] = flushSubnormal(m[i] * momentum - g[i] * lr);
            w[i] += nesterov ? m[i] * momentum - g[i] * lr : m[i];
        }
    }

    @Override
    public void rmsprop(float[] w, float[] g, float[] v, float[] mom, float[] average, int n,
                        float lr, float rho, float momentum, float epsilon) {
        for (int i = 0; i < n; i++) {
            v[i] = flushSubnormal(rho * v[i] + (1f - rho) * (g[i] * g[i]));
            float denominator;
            if (average != null) {
                average[i] = flushSubnormal(rho * average[i] + (1f - rho) * g[i]);
                denominator = v[i] - average[i] * average[i] + epsilon;
            } else {
                denominator = v[i] + epsilon;
            }
            float increment = lr * g[i] / (float) Math.sqrt(denominator);
            if (mom != null) {
                mom[i] = flushSubnormal(momentum * mom[i] + increment);
                w[i] -= mom[i];
            } else {
                w[i] -= increment;
            }
        }
    }

    @Override
    public void adagrad(float[] w, float[] g, float[] acc, int n, float lr, float epsilon) {
        for (int i = 0; i < n; i++) {
            acc[i] = flushSubnormal(acc[i] + g[i] * g[i]);
            w[i] -= lr * g[i] / (float) Math.sqrt(acc[i] + epsilon);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /**
     * Zero for values smaller in magnitude than {@link Float#MIN_NORMAL}: state carried from step to
     * step must not hold subnormal numbers, which cost Intel cores a microcode assist per instruction.
     */
    static float flushSubnormal(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }

    private static float rowMax(float[] x, int row, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x[row + j]);
        }
        return max;
    }
}
