package dev.jeras.callbacks;

import java.util.Locale;
import java.util.Map;

/** Keras's {@code TerminateOnNaN}: stops training at the first batch whose loss is NaN or infinite. */
public final class TerminateOnNaN extends BaseCallback {

    private int terminatedBatch = -1;

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        Double loss = logs.get("loss");
        if (loss != null && (loss.isNaN() || loss.isInfinite())) {
            out().printf(Locale.ROOT, "Batch %d: Invalid loss, terminating training%n", batch);
            terminatedBatch = batch;
            model().stopTraining(true);
        }
    }

    /** The batch (from 0, within its epoch) at which training was stopped, or -1. */
    public int terminatedBatch() {
        return terminatedBatch;
    }
}
