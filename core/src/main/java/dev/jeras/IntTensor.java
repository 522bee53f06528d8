package dev.jeras;

import java.util.Arrays;

/**
 * A tensor of 32-bit integers: class labels when there are more than the 256 classes
 * {@link UInt8Tensor} holds. Use {@link UInt8Tensor} for MNIST's labels.
 */
public final class IntTensor {

    private final int[] data;
    private final int offset;
    private final Shape shape;

    private IntTensor(int[] data, int offset, Shape shape) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
    }

    /** A tensor over a copy of {@code values} with the given shape (one dimension when none is given). */
    public static IntTensor of(int[] values, int... dims) {
        Shape shape = new Shape(dims.length == 0 ? new int[] {values.length} : dims);
        if (shape.size() != values.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, received " + values.length);
        }
        return new IntTensor(values.clone(), 0, shape);
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
    public IntTensor rows(int from, int to) {
        Shape view = Layout.rowsShape(shape, from, to);
        return new IntTensor(data, offset + from * (size() / Math.max(1, rows())), view);
    }

    /** The element at {@code index}. */
    public int get(int... index) {
        return data[offset + Layout.flatIndex(shape, index)];
    }

    /** A copy of the elements in row-major order. */
    public int[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size());
    }

    @Override
    public String toString() {
        return Layout.format(shape, i -> Integer.toString(data[offset + i]));
    }
}
