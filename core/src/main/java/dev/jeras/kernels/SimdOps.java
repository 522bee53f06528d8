package dev.jeras.kernels;

import static dev.jeras.kernels.SimdKernels.BYTES;
import static dev.jeras.kernels.SimdKernels.INTS;
import static dev.jeras.kernels.SimdKernels.LANES;
import static dev.jeras.kernels.SimdKernels.SPECIES;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import dev.jeras.layers.Dropout;

/**
 * The element-wise loops of {@link SimdKernels} on the Vector API, each over a range so that a pass
 * can be split between threads: a vector body up to {@code SPECIES.loopBound} and a scalar tail that
 * computes exactly what a lane would. {@link SimdKernels} decides where they run.
 *
 * <p>As in {@link SimdGemm}, vectors never cross a method boundary, and no loop carries a mask.
 */
final class SimdOps {

    private SimdOps() {
    }

    static void columnSums(float[] x, int off, int rows, int cols, float[] out) {
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

    static void multiply(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
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

    static void softmax(float[] x, int off, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = off + r * cols;
            float max = rowMax(x, row, cols);
            float sum = expShifted(x, row, cols, max, x, row);
            scaleRow(x, row, cols, 1f / sum);
        }
    }

    static double softmaxCrossEntropy(float[] logits, int off, int rows, int cols, int[] labels, int labelOff,
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

    static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector a = FloatVector.broadcast(SPECIES, alpha);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, x, xOff + i).mul(a)
                    .add(FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    static void addBiasRows(float[] x, int off, int fromRow, int toRow, int cols, float[] bias, boolean relu) {
        int bound = SPECIES.loopBound(cols);
        for (int r = fromRow; r < toRow; r++) {
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

    static void reluBackwardRange(float[] dy, int dyOff, float[] y, int yOff, int from, int to) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
            VectorMask<Float> active = FloatVector.fromArray(SPECIES, y, yOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(SPECIES, dy, dyOff + i), active).intoArray(dy, dyOff + i);
        }
        for (; i < to; i++) {
            if (!(y[yOff + i] > 0f)) {
                dy[dyOff + i] = 0f;
            }
        }
    }

    /** Dropout over [from, to): the mask from {@link Kernels#dropoutBits}, eight integer operations a lane. */
    static void dropoutRange(float[] x, int xOff, float[] out, int outOff, float[] mask, int from, int to,
                             float rate, long seed) {
        int threshold = Kernels.dropoutThreshold(rate);
        float keep = 1f / (1f - rate);
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        IntVector iota = IntVector.zero(INTS).addIndex(1);
        FloatVector kept = FloatVector.broadcast(SPECIES, keep);
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
            // Kernels.dropoutBits on every lane, written out: two rounds of Kernels.mix.
            IntVector h = iota.add(i).lanewise(VectorOperators.XOR, k0);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).lanewise(VectorOperators.XOR, k1);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
            VectorMask<Float> drop = h.lanewise(VectorOperators.LSHR, 8).compare(VectorOperators.LT, threshold).cast(SPECIES);
            FloatVector mv = kept.blend(0f, drop);
            mv.intoArray(mask, i);
            FloatVector.fromArray(SPECIES, x, xOff + i).mul(mv).intoArray(out, outOff + i);
        }
        for (; i < to; i++) {
            mask[i] = Kernels.dropoutBits(seed, i) >>> 8 < threshold ? 0f : keep;
            out[outOff + i] = x[xOff + i] * mask[i];
        }
    }

    static void adamRange(float[] w, float[] g, float[] m, float[] v, int from, int to,
                                  float lr, float beta1, float beta2, float epsilon) {
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += LANES) {
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
        for (; i < to; i++) {
            m[i] = ScalarKernels.flushSubnormal(m[i] + (g[i] - m[i]) * oneMinusBeta1);
            v[i] = ScalarKernels.flushSubnormal(v[i] + (g[i] * g[i] - v[i]) * oneMinusBeta2);
            w[i] -= lr * m[i] / ((float) Math.sqrt(v[i]) + epsilon);
        }
    }

    /** Adam with amsgrad over [0, n), the arithmetic of {@code ScalarKernels.adamAmsgrad} lane by lane. */
    static void adamAmsgrad(float[] w, float[] g, float[] m, float[] v, float[] vHat, int n,
                            float lr, float beta1, float beta2, float epsilon) {
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector mv = FloatVector.fromArray(SPECIES, m, i);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, i);
            mv = flush(gv.sub(mv).mul(oneMinusBeta1).add(mv));
            vv = flush(gv.mul(gv).sub(vv).mul(oneMinusBeta2).add(vv));
            FloatVector hv = FloatVector.fromArray(SPECIES, vHat, i).max(vv);
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            hv.intoArray(vHat, i);
            FloatVector.fromArray(SPECIES, w, i).sub(mv.mul(lr).div(hv.sqrt().add(epsilon))).intoArray(w, i);
        }
        for (; i < n; i++) {
            m[i] = ScalarKernels.flushSubnormal(m[i] + (g[i] - m[i]) * oneMinusBeta1);
            v[i] = ScalarKernels.flushSubnormal(v[i] + (g[i] * g[i] - v[i]) * oneMinusBeta2);
            vHat[i] = Math.max(vHat[i], v[i]);
            w[i] -= lr * m[i] / ((float) Math.sqrt(vHat[i]) + epsilon);
        }
    }

    /** SGD with momentum over [0, n), the arithmetic of {@code ScalarKernels.sgdMomentum} lane by lane. */
    static void sgdMomentum(float[] w, float[] g, float[] m, int n, float lr, float momentum, boolean nesterov) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector gl = FloatVector.fromArray(SPECIES, g, i).mul(lr);
            FloatVector mv = flush(FloatVector.fromArray(SPECIES, m, i).mul(momentum).sub(gl));
            mv.intoArray(m, i);
            FloatVector step = nesterov ? mv.mul(momentum).sub(gl) : mv;
            FloatVector.fromArray(SPECIES, w, i).add(step).intoArray(w, i);
        }
        for (; i < n; i++) {
            m[i] = ScalarKernels.flushSubnormal(m[i] * momentum - g[i] * lr);
            w[i] += nesterov ? m[i] * momentum - g[i] * lr : m[i];
        }
    }

    /** RMSprop over [0, n), the arithmetic of {@code ScalarKernels.rmsprop} lane by lane. */
    static void rmsprop(float[] w, float[] g, float[] v, float[] mom, float[] average, int n,
                        float lr, float rho, float momentum, float epsilon) {
        float oneMinusRho = 1f - rho;
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector vv = flush(FloatVector.fromArray(SPECIES, v, i).mul(rho).add(gv.mul(gv).mul(oneMinusRho)));
            vv.intoArray(v, i);
            FloatVector denominator;
            if (average != null) {
                FloatVector av = flush(FloatVector.fromArray(SPECIES, average, i).mul(rho).add(gv.mul(oneMinusRho)));
                av.intoArray(average, i);
                denominator = vv.sub(av.mul(av)).add(epsilon);
            } else {
                denominator = vv.add(epsilon);
            }
            FloatVector increment = gv.mul(lr).div(denominator.sqrt());
            if (mom != null) {
                FloatVector mv = flush(FloatVector.fromArray(SPECIES, mom, i).mul(momentum).add(increment));
                mv.intoArray(mom, i);
                increment = mv;
            }
            FloatVector.fromArray(SPECIES, w, i).sub(increment).intoArray(w, i);
        }
        for (; i < n; i++) {
            v[i] = ScalarKernels.flushSubnormal(rho * v[i] + oneMinusRho * (g[i] * g[i]));
            float denominator;
            if (average != null) {
                average[i] = ScalarKernels.flushSubnormal(rho * average[i] + oneMinusRho * g[i]);
                denominator = v[i] - average[i] * average[i] + epsilon;
            } else {
                denominator = v[i] + epsilon;
            }
            float increment = lr * g[i] / (float) Math.sqrt(denominator);
            if (mom != null) {
                mom[i] = ScalarKernels.flushSubnormal(momentum * mom[i] + increment);
                w[i] -= mom[i];
            } else {
                w[i] -= increment;
            }
        }
    }

    /** Adagrad over [0, n), the arithmetic of {@code ScalarKernels.adagrad} lane by lane. */
    static void adagrad(float[] w, float[] g, float[] acc, int n, float lr, float epsilon) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector av = flush(FloatVector.fromArray(SPECIES, acc, i).add(gv.mul(gv)));
            av.intoArray(acc, i);
            FloatVector.fromArray(SPECIES, w, i).sub(gv.mul(lr).div(av.add(epsilon).sqrt())).intoArray(w, i);
        }
        for (; i < n; i++) {
            acc[i] = ScalarKernels.flushSubnormal(acc[i] + g[i] * g[i]);
            w[i] -= lr * g[i] / (float) Math.sqrt(acc[i] + epsilon);
        }
    }

    /** Lanes smaller in magnitude than {@link Float#MIN_NORMAL} set to zero: no subnormals in state. */
    private static FloatVector flush(FloatVector x) {
        return x.blend(0f, x.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }

    /**
     * Rows [r0, r1), columns [c0, c1) of a gather, from floats (copied) or from bytes, each widened to
     * int, converted to float and divided: exactly the scalar {@code (b & 0xFF) / divisor}.
     */
    static void gatherBlock(byte[] bytes, float[] floats, int srcOff, int rowSize, int[] order, int from,
                                    int r0, int r1, int c0, int c1, float divisor, float[] dst, int dstOff) {
        for (int r = r0; r < r1; r++) {
            int s = srcOff + (order == null ? from + r : order[from + r]) * rowSize;
            int d = dstOff + r * rowSize;
            if (bytes == null) {
                System.arraycopy(floats, s + c0, dst, d + c0, c1 - c0);
                continue;
            }
            int j = c0;
            if (BYTES != null) {
                for (int bound = c0 + SPECIES.loopBound(c1 - c0); j < bound; j += LANES) {
                    // Sign-extending (and masking) rather than ZERO_EXTEND_B2I: C2 does not compile the
                    // latter to an instruction on AVX-512, and an uncompiled vector is a heap object.
                    IntVector iv = (IntVector) ByteVector.fromArray(BYTES, bytes, s + j).convertShape(VectorOperators.B2I, INTS, 0);
                    FloatVector fv = (FloatVector) iv.and(0xFF).convert(VectorOperators.I2F, 0);
                    fv.div(divisor).intoArray(dst, d + j);
                }
            }
            for (; j < c1; j++) {
                dst[d + j] = (bytes[s + j] & 0xFF) / divisor;
            }
        }
    }

    private static float rowMax(float[] x, int row, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        int j = 0;
        int bound = SPECIES.loopBound(cols);
        if (bound > 0) {
            FloatVector acc = FloatVector.fromArray(SPECIES, x, row);
            for (j = LANES; j < bound; j += LANES) {
                acc = acc.max(FloatVector.fromArray(SPECIES, x, row + j));
            }
            max = acc.reduceLanes(VectorOperators.MAX); // max is exact in any order
        }
        for (; j < cols; j++) {
            max = Math.max(max, x[row + j]);
        }
        return max;
    }

    /**
     * Returns the sum of {@code exp(x[row + j] - max)}, also writing each term to {@code out[outRow + j]}
     * unless out is null. The exponential is computed here from adds and multiplies (Cody-Waite range
     * reduction and Cephes's degree-6 polynomial for expf, about 1 ulp), not with the Vector API's
     * EXP: that one gives different last bits before and after C2 compiles it, and a training run
     * must not depend on when the JIT ran. Terms below e^-87.33 are 0, never subnormal. The same goes
     * for the sum: whole vectors are summed lane by lane, then the lanes in order, then the tail.
     * No masks: a masked loop here was, in some runs, compiled by C2 into code that boxed every vector.
     */
    private static float expShifted(float[] x, int row, int cols, float max, float[] out, int outRow) {
        int bound = SPECIES.loopBound(cols);
        float sum = 0f;
        int j = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (; j < bound; j += LANES) {
                FloatVector t = FloatVector.fromArray(SPECIES, x, row + j).sub(max).min(EXP_MAX);
                // t = n ln2 + r with |r| <= ln2 / 2; n is rounded by adding and subtracting 1.5 * 2^23.
                FloatVector shifted = t.mul(LOG2E).add(ROUND);
                FloatVector n = shifted.sub(ROUND);
                FloatVector r = t.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
                FloatVector p = r.mul(EXP_P0).add(EXP_P1).mul(r).add(EXP_P2).mul(r).add(EXP_P3).mul(r).add(EXP_P4)
                        .mul(r).add(EXP_P5).mul(r.mul(r)).add(r).add(1f);
                // 2^n from the exponent bits: the low bits of `shifted` hold n.
                IntVector exponent = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND) - 127)
                        .lanewise(VectorOperators.LSHL, 23);
                FloatVector e = p.mul(exponent.reinterpretAsFloats()).blend(0f, t.compare(VectorOperators.LT, EXP_MIN));
                if (out != null) {
                    e.intoArray(out, outRow + j);
                }
                acc = acc.add(e);
            }
            float[] lanes = LANE_SCRATCH.get();
            acc.intoArray(lanes, 0);
            for (int l = 0; l < LANES; l++) {
                sum += lanes[l];
            }
        }
        for (; j < cols; j++) {
            float e = exp(x[row + j] - max);
            if (out != null) {
                out[outRow + j] = e;
            }
            sum += e;
        }
        return sum;
    }

    /** One lane of {@link #expShifted}'s exponential, for the tail: the same operations, the same bits. */
    private static float exp(float x) {
        float t = Math.min(x, EXP_MAX);
        float shifted = t * LOG2E + ROUND;
        float n = shifted - ROUND;
        float r = (t - n * LN2_HI) - n * LN2_LO;
        float p = ((((((r * EXP_P0 + EXP_P1) * r + EXP_P2) * r + EXP_P3) * r + EXP_P4) * r + EXP_P5) * (r * r) + r) + 1f;
        int exponent = (Float.floatToRawIntBits(shifted) - (Float.floatToRawIntBits(ROUND) - 127)) << 23;
        float e = p * Float.intBitsToFloat(exponent);
        return t < EXP_MIN ? 0f : e;
    }

    private static void scaleRow(float[] x, int row, int cols, float s) {
        int bound = SPECIES.loopBound(cols);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector.fromArray(SPECIES, x, row + j).mul(s).intoArray(x, row + j);
        }
        for (; j < cols; j++) {
            x[row + j] *= s;
        }
    }

    /** Per thread: one vector's lanes, summed in order by {@link #expShifted}. */
    private static final ThreadLocal<float[]> LANE_SCRATCH = ThreadLocal.withInitial(() -> new float[LANES]);

    // The exponential of the softmax (Cody-Waite range reduction, Cephes's expf polynomial).
    private static final float LOG2E = 1.44269504088896341f;
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds to an integer
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float EXP_MAX = 88.3f;
    private static final float EXP_MIN = -87.33f; // below this e^t is subnormal: 0 instead
    private static final float EXP_P0 = 1.9875691500e-4f;
    private static final float EXP_P1 = 1.3981999507e-3f;
    private static final float EXP_P2 = 8.3334519073e-3f;
    private static final float EXP_P3 = 4.1665795894e-2f;
    private static final float EXP_P4 = 1.6666665459e-1f;
    private static final float EXP_P5 = 5.0000001201e-1f;
}
