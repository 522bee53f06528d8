package dev.jeras;

import java.util.Arrays;
import java.util.function.IntFunction;

/** Row-major indexing, view checks and NumPy-style printing shared by {@link Tensor} and {@link UInt8Tensor}. */
final class Layout {

    /** Above this many elements, printing shows only the first and last few items of each dimension. */
    private static final int SUMMARY_THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;

    private Layout() {
    }

    /** The flat row-major position of {@code index} in {@code shape}, checked. */
    static int flatIndex(Shape shape, int[] index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("expected " + shape.rank() + " indices for shape " + shape
                    + ", received " + index.length);
        }
        int flat = 0;
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape.dim(d)) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is outside shape " + shape);
            }
            flat = flat * shape.dim(d) + index[d];
        }
        return flat;
    }

    /** The shape of rows {@code [from, to)} of a tensor of {@code shape}, checked. */
    static Shape rowsShape(Shape shape, int from, int to) {
        int rows = shape.dim(0);
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") are outside a tensor of " + rows
                    + " rows (shape " + shape + ")");
        }
        int[] dims = shape.dims();
        dims[0] = to - from;
        return new Shape(dims);
    }

    /** The new shape for a reshape, checked to hold the same number of elements. */
    static Shape reshaped(Shape shape, int[] dims) {
        Shape to = new Shape(dims);
        if (to.size() != shape.size()) {
            throw new IllegalArgumentException("cannot reshape " + shape + " (" + shape.size() + " elements) to " + to
                    + " (" + to.size() + " elements)");
        }
        return to;
    }

    /** NumPy's {@code str()} layout: nested brackets, one innermost row per line, summarised when large. */
    static String format(Shape shape, IntFunction<String> element) {
        StringBuilder out = new StringBuilder();
        boolean summarise = shape.size() > SUMMARY_THRESHOLD;
        append(out, shape, 0, 0, element, summarise);
        return out.toString();
    }

    private static void append(StringBuilder out, Shape shape, int dim, int base, IntFunction<String> element,
                               boolean summarise) {
        int n = shape.dim(dim);
        int stride = 1;
        for (int d = dim + 1; d < shape.rank(); d++) {
            stride *= shape.dim(d);
        }
        out.append('[');
        for (int i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                out.append(dim == shape.rank() - 1 ? "... " : "...\n" + " ".repeat(dim + 1));
                i = n - EDGE_ITEMS - 1;
                continue;
            }
            if (dim == shape.rank() - 1) {
                out.append(element.apply(base + i));
                if (i < n - 1) {
                    out.append(' ');
                }
            } else {
                append(out, shape, dim + 1, base + i * stride, element, summarise);
                if (i < n - 1) {
                    out.append("\n".repeat(shape.rank() - 1 - dim)).append(" ".repeat(dim + 1));
                }
            }
        }
        out.append(']');
    }
}
