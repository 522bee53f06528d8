package dev.jeras;

import java.util.Arrays;

/**
 * What a model is trained against: class indices (from a {@link UInt8Tensor} or {@link IntTensor},
 * for the sparse losses and metrics) or float values per sample (from a {@link Tensor}: one-hot
 * rows, 0/1 for binary classification, numbers for regression). Losses and metrics read one batch
 * of it; the training loop gathers each batch into a reused {@code Targets}, so nothing is allocated
 * per step.
 */
public final class Targets {

    private int[] labels;
    private float[] values;
    private final int width;
    private final Shape sample;
    private int rows;

    private Targets(int[] labels, float[] values, int width, Shape sample, int rows) {
        this.labels = labels;
        this.values = values;
        this.width = width;
        this.sample = sample;
        this.rows = rows;
    }

    /** Class indices, one per sample, as Keras's sparse labels; shape (n,) or (n, 1). */
    public static Targets of(UInt8Tensor labels) {
        checkFlat(labels.shape());
        return new Targets(labels.toIntArray(), null, 1, Shape.of(), labels.rows());
    }

    /** Class indices, one per sample; shape (n,) or (n, 1). */
    public static Targets of(IntTensor labels) {
        checkFlat(labels.shape());
        return new Targets(labels.toArray(), null, 1, Shape.of(), labels.rows());
    }

    /** Float targets, one row of values per sample: shape (n,) for one value each, or (n, ...). */
    public static Targets of(Tensor values) {
        Shape shape = values.shape();
        Shape sample = shape.rank() == 1 ? Shape.of(1) : shape.withoutBatch();
        return new Targets(null, values.toArray(), sample.size(), sample, values.rows());
    }

    private static void checkFlat(Shape shape) {
        if (!(shape.rank() == 1 || (shape.rank() == 2 && shape.dim(1) == 1))) {
            throw new IllegalArgumentException("class labels must have shape (batch,) or (batch, 1), received " + shape
                    + "; one-hot targets go in a float Tensor");
        }
    }

    /** An empty batch buffer of class indices with room for {@code capacity} samples (see {@link #setLabels}). */
    public static Targets sparse(int capacity) {
        return new Targets(new int[capacity], null, 1, Shape.of(), 0);
    }

    /** Fills this class-index buffer with the first {@code count} of {@code source}; allocates nothing. */
    public void setLabels(int[] source, int count) {
        if (labels == null || labels.length < count || source.length < count) {
            throw new IllegalArgumentException("cannot copy " + count + " labels from " + source.length + " into "
                    + (labels == null ? "float targets" : "a buffer of " + labels.length));
        }
        System.arraycopy(source, 0, labels, 0, count);
        rows = count;
    }

    /** How many samples this buffer holds at most. */
    public int capacity() {
        return labels != null ? labels.length : values.length / Math.max(1, width);
    }

    /** An empty batch of the same kind, for {@link #gather}. */
    public Targets batchBuffer(int capacity) {
        return new Targets(labels == null ? null : new int[capacity], values == null ? null : new float[capacity * width],
                width, sample, 0);
    }

    /**
     * Fills this batch buffer with samples {@code order[from + r]} (or {@code from + r}), r below
     * {@code count}, of {@code source}. Allocates nothing when the buffer is large enough.
     */
    public void gather(Targets source, int[] order, int from, int count) {
        if (labels != null && labels.length < count || values != null && values.length < count * width) {
            throw new IllegalArgumentException("a batch buffer of " + (labels != null ? labels.length : values.length / width)
                    + " samples cannot hold " + count);
        }
        for (int r = 0; r < count; r++) {
            int i = order == null ? from + r : order[from + r];
            if (labels != null) {
                labels[r] = source.labels[i];
            } else {
                System.arraycopy(source.values, i * width, values, r * width, width);
            }
        }
        rows = count;
    }

    /** Whether these are class indices rather than float values. */
    public boolean isSparse() {
        return labels != null;
    }

    /** The number of samples. */
    public int rows() {
        return rows;
    }

    /** Values per sample: 1 for class indices. */
    public int width() {
        return width;
    }

    /** The shape of one sample's float target ({@code ()} for class indices). */
    public Shape sampleShape() {
        return sample;
    }

    /** The class index of sample {@code r}. */
    public int label(int r) {
        return labels[r];
    }

    /** Value {@code j} of sample {@code r}'s float target; for class indices, the index itself (a 0/1 label as a number). */
    public float value(int r, int j) {
        return labels != null ? labels[r] : values[r * width + j];
    }

    /** The class indices, one per sample from index 0 (for kernels); null for float targets. */
    public int[] labels() {
        return labels;
    }

    /** The float targets, row-major from index 0; null for class indices. */
    public float[] values() {
        return values;
    }

    /** The targets of samples {@code [from, to)} as a new {@code Targets} (copied). */
    public Targets rows(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") are outside targets of " + rows + " samples");
        }
        return new Targets(labels == null ? null : Arrays.copyOfRange(labels, from, to),
                values == null ? null : Arrays.copyOfRange(values, from * width, to * width), width, sample, to - from);
    }

    /**
     * Checks class indices against outputs of one score per class, or float targets against outputs
     * of as many values per sample, naming the problem.
     */
    public void checkAgainst(Shape output, String lossName) {
        if (labels != null) {
            int classes = output.rank() == 1 ? output.dim(0) : -1;
            if (classes < 1) {
                throw new IllegalArgumentException(lossName + " with class labels needs a model whose output is (batch, classes), "
                        + "received " + output.toBatchString() + ": end the model with a Dense layer of one unit per class");
            }
            for (int i = 0; i < rows; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is out of range: the model has "
                            + classes + " outputs, so labels must lie in [0, " + classes + "); check the labels or the last layer's units");
                }
            }
        } else {
            checkValues(output, lossName);
        }
    }

    /**
     * Checks targets compared value by value with the outputs (binary and regression losses): float
     * targets with as many values per sample as the output, or class indices used as numbers with one output.
     */
    public void checkValues(Shape output, String lossName) {
        if (labels != null) {
            if (output.size() != 1) {
                throw new IllegalArgumentException(lossName + " compares targets with outputs value by value, but these targets are "
                        + "class indices and the outputs have shape " + output.toBatchString()
                        + "; give one-hot float targets, or use SparseCategoricalCrossentropy");
            }
        } else if (output.size() != width) {
            throw new IllegalArgumentException(lossName + " compares targets of " + width + " values per sample (shape "
                    + sample + ") with outputs of shape " + output.toBatchString() + "; they must have as many values"
                    + (width == 1 && output.size() > 1 ? " (class indices go in a UInt8Tensor or IntTensor, not a float Tensor)" : ""));
        }
    }
}
