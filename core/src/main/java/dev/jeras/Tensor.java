package dev.jeras;

import java.util.Locale;

/**
 * A dense float32 tensor in row-major order: a heap {@code float[]}, an offset into it, and a shape
 * whose first dimension is the batch (rows). Views ({@link #rows}, {@link #reshape}) share storage.
 */
public final class Tensor {

    private final float[] data;
    private final int offset;
    private final Shape shape;

    Tensor(float[] data, int offset, Shape shape) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
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
        return new Tensor(data, offset + from * (size() / Math.max(1, rows())), view);
    }

    /** A view of the same elements with another shape of the same size. */
    public Tensor reshape(int... dims) {
        return new Tensor(data, offset, Layout.reshaped(shape, dims));
    }

    /** The element at {@code index} (one index per dimension). */
    public float get(int... index) {
        return data[offset + Layout.flatIndex(shape, index)];
    }

    /** A copy of the elements in row-major order. */
    public float[] toArray() {
        float[] out = new float[size()];
        System.arraycopy(data, offset, out, 0, out.length);
        return out;
    }

    /** The backing array; elements start at {@link #offset()}. For kernels and custom layers. */
    public float[] array() {
        return data;
    }

    /** Where this tensor's first element lies in {@link #array()}. */
    public int offset() {
        return offset;
    }

    /** The elements in NumPy's layout, for example {@code [[ 0.1 -0.2]]}. */
    @Override
    public String toString() {
        return Layout.format(shape, i -> String.format(Locale.ROOT, "% .8f", data[offset + i]));
    }
}
