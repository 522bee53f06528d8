package dev.jeras;

/**
 * A reusable tensor for a layer's output or input gradient. It allocates only when the batch size
 * changes to one larger than any before, so steady training allocates nothing.
 */
final class Buffer {

    private float[] storage = new float[0];
    private Tensor view;

    /** A tensor of {@code rows} samples of {@code sample}'s shape over this buffer's storage. */
    Tensor get(int rows, Shape sample) {
        if (view != null && view.rows() == rows) {
            return view;
        }
        int size = Math.multiplyExact(rows, sample.size());
        if (storage.length < size) {
            storage = new float[size];
        }
        view = Tensor.wrap(storage, 0, sample.withBatch(rows));
        return view;
    }
}
