package dev.jeras;

import dev.jeras.layers.Dense;

/** Checks class-index labels against the predictions they pair with, once, above the kernels. */
final class Labels {

    private Labels() {
    }

    /**
     * The labels as ints, after checking there is one per prediction row and each lies in
     * {@code [0, classes)}; {@code classes} below 0 means the predictions are not (batch, classes).
     */
    static int[] of(UInt8Tensor yTrue, int rows, int classes, String predName) {
        if (classes < 0) {
            throw new IllegalArgumentException(predName + " must be a (batch, classes) tensor of scores");
        }
        Shape shape = yTrue.shape();
        boolean flat = shape.rank() == 1 || (shape.rank() == 2 && shape.dim(1) == 1);
        if (!flat) {
            throw new IllegalArgumentException("labels must be class indices of shape (batch,), received " + shape);
        }
        if (yTrue.rows() != rows) {
            throw new IllegalArgumentException("expected one label per sample: " + rows + " samples, received "
                    + yTrue.rows() + " labels");
        }
        int[] labels = yTrue.toIntArray();
        checkRange(labels, labels.length, classes);
        return labels;
    }

    /** Checks that the first {@code n} labels lie in {@code [0, classes)}; allocates only to report a failure. */
    static void checkRange(int[] labels, int n, int classes) {
        if (classes < 0) {
            throw new IllegalArgumentException("class labels need a model whose output is (batch, classes): "
                    + "end it with a Dense layer of one unit per class");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is out of range: the model has "
                        + classes + " outputs, so labels must lie in [0, " + classes + "); check the labels or the last layer's units");
            }
        }
    }
}
