package dev.jeras;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The dimensions of a tensor, outermost first. Layers describe one sample (no batch dimension);
 * tensors include the batch as their first dimension.
 */
public record Shape(int[] dims) {

    /** A shape with the given dimensions; none may be negative. */
    public Shape {
        dims = dims.clone();
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("shape dimensions must not be negative, received " + Arrays.toString(dims));
            }
        }
    }

    /** A shape with the given dimensions. */
    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code i}. */
    public int dim(int i) {
        return dims[i];
    }

    /** The number of elements: the product of the dimensions (1 for a scalar shape). */
    public int size() {
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + this + " holds more than 2^31-1 elements");
        }
        return (int) size;
    }

    /** This shape with a leading batch dimension of {@code rows}. */
    public Shape withBatch(int rows) {
        int[] all = new int[dims.length + 1];
        all[0] = rows;
        System.arraycopy(dims, 0, all, 1, dims.length);
        return new Shape(all);
    }

    /** This shape without its first (batch) dimension. */
    public Shape withoutBatch() {
        return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
    }

    /** Keras's notation for a per-sample shape with an unknown batch: {@code (None, 784)}. */
    public String toBatchString() {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        j.add("None");
        for (int d : dims) {
            j.add(Integer.toString(d));
        }
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** NumPy's notation: {@code (60000, 28, 28)}, {@code (10,)}. */
    @Override
    public String toString() {
        if (dims.length == 1) {
            return "(" + dims[0] + ",)";
        }
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (int d : dims) {
            j.add(Integer.toString(d));
        }
        return j.toString();
    }
}
