package dev.jeras;

/**
 * An unsigned 8-bit tensor, the type of MNIST's images and labels as Keras loads them. Convert images
 * to float32 with {@link #div(float)}; labels are used as class indices directly.
 */
public final class UInt8Tensor {

    private final byte[] data;
    private final int offset;
    private final Shape shape;

    private UInt8Tensor(byte[] data, int offset, Shape shape) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape; sizes must match. */
    public static UInt8Tensor wrap(byte[] data, int... dims) {
        Shape shape = new Shape(dims);
        if (shape.rank() == 0 || shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " bytes, received "
                    + data.length + " (and a tensor needs at least one dimension)");
        }
        return new UInt8Tensor(data, 0, shape);
    }

    /** The shape, samples first. */
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
    public UInt8Tensor rows(int from, int to) {
        Shape view = Layout.rowsShape(shape, from, to);
        return new UInt8Tensor(data, offset + from * (size() / Math.max(1, rows())), view);
    }

    /** The element at {@code index}, 0 to 255. */
    public int get(int... index) {
        return Byte.toUnsignedInt(data[offset + Layout.flatIndex(shape, index)]);
    }

    /**
     * A float32 tensor of the same shape whose elements are these divided by {@code divisor} (255
     * scales to [0, 1]), as NumPy's {@code x / 255}. It keeps these bytes and divides when a value is
     * read (exactly {@code b / divisor} in float), so MNIST's training images take 47 MB, not 188 MB.
     */
    public Tensor div(float divisor) {
        if (!(divisor != 0f && Float.isFinite(divisor))) {
            throw new IllegalArgumentException("the divisor must be finite and not zero, received " + divisor);
        }
        return Tensor.scaledBytes(data, offset, shape, divisor);
    }

    /** The elements as ints, in row-major order (labels as class indices). */
    public int[] toIntArray() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Byte.toUnsignedInt(data[offset + i]);
        }
        return out;
    }

    /** The elements in NumPy's layout. */
    @Override
    public String toString() {
        return Layout.format(shape, i -> Integer.toString(Byte.toUnsignedInt(data[offset + i])));
    }
}
