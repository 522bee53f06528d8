package dev.jeras.layers;

import dev.jeras.Shape;
import dev.jeras.Tensor;

/**
 * A reusable tensor for a layer's output or input gradient, one per thread: inference on many
 * threads at once never shares one. On each thread it allocates only when the batch size changes to
 * one larger than any before, so steady training allocates nothing. A layer of one's own can keep
 * its outputs in one.
 */
public final class Buffer {

    private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(Slot::new);

    /** A tensor of {@code rows} samples of {@code sample}'s shape over this thread's storage. */
    public Tensor get(int rows, Shape sample) {
        return slots.get().get(rows, sample);
    }

    private static final class Slot {
        private float[] storage = new float[0];
        private Tensor view;

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
}
