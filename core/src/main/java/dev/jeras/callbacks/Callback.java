package dev.jeras.callbacks;

import java.util.Map;

import dev.jeras.models.Sequential;

/**
 * Hooks into {@code fit}, as Keras's {@code keras.callbacks.Callback}. Every method does nothing
 * unless overridden. {@code logs} map Keras's names ({@code loss}, {@code accuracy},
 * {@code val_loss}, ...) to running or epoch values, in the order Keras shows them; they are
 * read-only. Epochs and batches count from 0, as in Keras. A callback stops training by
 * {@code model().stopTraining(true)}.
 */
public interface Callback {

    /** Called once before training, with the model being trained. */
    default void setModel(Sequential model) {
    }

    default void onTrainBegin(Map<String, Double> logs) {
    }

    default void onTrainEnd(Map<String, Double> logs) {
    }

    default void onEpochBegin(int epoch, Map<String, Double> logs) {
    }

    /** After an epoch, with its training logs and, when there is validation data, the {@code val_} ones. */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    default void onTrainBatchBegin(int batch, Map<String, Double> logs) {
    }

    /** After each training step, with the running loss and metrics of the epoch so far. */
    default void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    }
}
