package dev.jeras;

import java.util.Locale;

import dev.jeras.kernels.Kernels;

/**
 * A dense float32 tensor in row-major order: a heap {@code float[]}, an offset into it, and a shape
 * whose first dimension is the batch (rows). Views ({@link #rows}, {@link #reshape}) share storage.
 *
 * <p>A tensor made by {@link UInt8Tensor#div} keeps the bytes instead (a quarter of the memory: 47 MB
 * rather than 188 MB for MNIST's training images) and computes each value, {@code (b & 0xFF) / divisor}
 * as a float division, when it is read; training gathers its batches straight from the bytes. Its
 * {@link #array()} is a float copy made on first use.
 */
public final class Tensor {

    private final float[] data;
    private final int offset;
    private final Shape shape;
    /** The unsigned bytes behind a scaled tensor, or null for float storage. */
    private final byte[] bytes;
    private final float divisor;
    private volatile float[] materialized;

    Tensor(float[] data, int offset, Shape shape) {
        this(data, offset, shape, null, 1f);
    }

    private Tensor(float[] data, int offset, Shape shape, byte[] bytes, float divisor) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.bytes = bytes;
        this.divisor = divisor;
    }

    /** A tensor whose element i is {@code (bytes[offset + i] & 0xFF) / divisor}, computed when read. */
    static Tensor scaledBytes(byte[] bytes, int offset, Shape shape, float divisor) {
        return new Tensor(null, offset, shape, bytes, divisor);
    }

    /** A tensor over a copy of {@code values} with the given shape. */
    public static Tensor of(float[] values, int... dims) {
        Shape shape = new Shape(dims);
        if (shape.rank() == 0 || shape.size() != values.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, received "
                    + values.length + " (and a tensor needs at least one dimension)");
        }
        return new Tensor(values.clone(), 0, shape);
    }

    /** A tensor of zeros with the given shape. */
    public static Tensor zeros(int... dims) {
        Shape shape = new Shape(dims);
        if (shape.rank() == 0) {
            throw new IllegalArgumentException("a tensor needs at least one dimension");
        }
        return new Tensor(new float[shape.size()], 0, shape);
    }

    /** Wraps {@code data} starting at {@code offset}, without copying; used for layer buffers. */
    static Tensor wrap(float[] data, int offset, Shape shape) {
        return new Tensor(data, offset, shape);
    }

    /** The shape, batch first. */
    public Shape shape() {
        return shape;
    }

    /** The first dimension: the number of samples. */
    public int rows() {
        return shape.dim(0);
    }

    /** The number of elements. */
    public int size() {
        return shape.size();
    }

    /** A view of rows {@code [from, to)}, sharing storage. */
    public Tensor rows(int from, int to) {
        Shape view = Layout.rowsShape(shape, from, to);
        return new Tensor(data, offset + from * rowSize(), view, bytes, divisor);
    }

    /** A view of the same elements with another shape of the same size. */
    public Tensor reshape(int... dims) {
        return new Tensor(data, offset, Layout.reshaped(shape, dims), bytes, divisor);
    }

    /** The element at {@code index} (one index per dimension). */
    public float get(int... index) {
        return element(Layout.flatIndex(shape, index));
    }

    /** A copy of the elements in row-major order. */
    public float[] toArray() {
        float[] out = new float[size()];
        if (bytes == null) {
            System.arraycopy(data, offset, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = element(i);
            }
        }
        return out;
    }

    /**
     * The backing array; elements start at {@link #offset()}. For kernels and custom layers. A tensor
     * scaled from bytes makes its float copy here, once (and its offset is then 0).
     */
    public float[] array() {
        if (bytes == null) {
            return data;
        }
        float[] copy = materialized;
        if (copy == null) {
            copy = toArray();
            materialized = copy;
        }
        return copy;
    }

    /** Where this tensor's first element lies in {@link #array()}. */
    public int offset() {
        return bytes == null ? offset : 0;
    }

    /** Whether the values live in a float array (rather than being computed from bytes when read). */
    boolean isFloat() {
        return bytes == null;
    }

    /** Elements per row (per sample): the size over the first dimension. */
    int rowSize() {
        return rows() == 0 ? 0 : size() / rows();
    }

    /**
     * Copies rows {@code order[from + r]} (or {@code from + r} when order is null), r below
     * {@code count}, as floats into {@code dst} at {@code dstOff}: the gather of a batch.
     */
    void gatherRows(Kernels kernels, int[] order, int from, int count, float[] dst, int dstOff) {
        if (bytes == null) {
            kernels.gatherRows(data, offset, rowSize(), order, from, count, dst, dstOff);
        } else {
            kernels.gatherRows(bytes, offset, rowSize(), order, from, count, divisor, dst, dstOff);
        }
    }

    private float element(int i) {
        return bytes == null ? data[offset + i] : (bytes[offset + i] & 0xFF) / divisor;
    }

    /** The elements in NumPy's layout, for example {@code [[ 0.1 -0.2]]}. */
    @Override
    public String toString() {
        return Layout.format(shape, i -> String.format(Locale.ROOT, "% .8f", element(i)));
    }
}
