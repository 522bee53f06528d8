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

    /**
     * Wraps {@code data} from {@code offset}, without copying: for layers that keep their outputs in
     * buffers. The tensor sees later changes to the array.
     */
    public static Tensor wrap(float[] data, int offset, Shape shape) {
        if (offset < 0 || (long) offset + shape.size() > data.length) {
            throw new IllegalArgumentException("an array of " + data.length + " cannot hold shape " + shape + " from offset " + offset);
        }
        return new Tensor(data, offset, shape);
    }

    /** A tensor over a copy of the rows of {@code values} (all of the same length): shape (rows, columns). */
    public static Tensor of(float[][] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a tensor needs at least one row");
        }
        int cols = values[0].length;
        float[] flat = new float[Math.multiplyExact(values.length, cols)];
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + values[r].length + " values, row 0 has " + cols
                        + "; every row needs the same length");
            }
            System.arraycopy(values[r], 0, flat, r * cols, cols);
        }
        return new Tensor(flat, 0, Shape.of(values.length, cols));
    }

    /** The elements as rows: a rank-2 tensor's rows, or any tensor's samples flattened. */
    public float[][] toArray2D() {
        int rows = rows();
        int cols = rowSize();
        float[][] out = new float[rows][cols];
        float[] flat = toArray();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    /**
     * The index of the largest value along {@code axis} (-1: the last), as NumPy's and Keras's
     * {@code argmax}: the first index on a tie. {@code predict(x).argmax(-1)} gives class predictions.
     */
    public IntTensor argmax(int axis) {
        int rank = shape.rank();
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is outside a tensor of rank " + rank);
        }
        int outer = 1;
        for (int d = 0; d < a; d++) {
            outer *= shape.dim(d);
        }
        int n = shape.dim(a);
        int inner = shape.size() / Math.max(1, outer * n);
        int[] result = new int[outer * inner];
        int[] dims = new int[rank - 1];
        for (int d = 0, k = 0; d < rank; d++) {
            if (d != a) {
                dims[k++] = shape.dim(d);
            }
        }
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                float max = element((o * n) * inner + i);
                for (int j = 1; j < n; j++) {
                    float v = element((o * n + j) * inner + i);
                    if (v > max || (Float.isNaN(v) && !Float.isNaN(max))) {
                        max = v;
                        best = j;
                    }
                }
                result[o * inner + i] = best;
            }
        }
        return IntTensor.of(result, dims.length == 0 ? new int[] {1} : dims);
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

    /** Whether the values live in a float array (rather than being computed from bytes when read, see {@link UInt8Tensor#div}). */
    public boolean isFloat() {
        return bytes == null;
    }

    /** Elements per row (per sample): the size over the first dimension. */
    public int rowSize() {
        return rows() == 0 ? 0 : size() / rows();
    }

    /**
     * Copies rows {@code order[from + r]} (or {@code from + r} when order is null), r below
     * {@code count}, as floats into {@code dst} at {@code dstOff}: the gather of a batch.
     */
    public void gatherRows(Kernels kernels, int[] order, int from, int count, float[] dst, int dstOff) {
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
