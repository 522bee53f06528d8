package dev.jeras.kernels;

/** Scalar kernels under a chosen name: a stand-in provider for selector tests. */
class DelegatingKernels implements Kernels {

    private final String name;
    private final Kernels delegate = new ScalarKernels();

    DelegatingKernels(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        delegate.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void addBias(float[] x, int off, int rows, int cols, float[] bias, boolean relu) {
        delegate.addBias(x, off, rows, cols, bias, relu);
    }

    @Override
    public void reluBackward(float[] dy, int dyOff, float[] y, int yOff, int n) {
        delegate.reluBackward(dy, dyOff, y, yOff, n);
    }

    @Override
    public void columnSums(float[] x, int off, int rows, int cols, float[] out) {
        delegate.columnSums(x, off, rows, cols, out);
    }

    @Override
    public void multiply(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        delegate.multiply(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void softmax(float[] x, int off, int rows, int cols) {
        delegate.softmax(x, off, rows, cols);
    }

    @Override
    public double softmaxCrossEntropy(float[] logits, int off, int rows, int cols, int[] labels, int labelOff,
                                      float[] grad, int gradOff, float gradScale) {
        return delegate.softmaxCrossEntropy(logits, off, rows, cols, labels, labelOff, grad, gradOff, gradScale);
    }

    @Override
    public void argmax(float[] x, int off, int rows, int cols, int[] out, int outOff) {
        delegate.argmax(x, off, rows, cols, out, outOff);
    }

    @Override
    public void adam(float[] w, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2, float epsilon) {
        delegate.adam(w, g, m, v, n, lr, beta1, beta2, epsilon);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        delegate.axpy(n, alpha, x, xOff, y, yOff);
    }
}
