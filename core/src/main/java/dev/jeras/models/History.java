package dev.jeras.models;

import java.util.List;

/** What {@code fit} returns: the loss and accuracy at the end of each epoch, as Keras's {@code History.history}. */
public record History(List<Double> loss, List<Double> accuracy) {

    /** A history; the lists are copied. */
    public History {
        loss = List.copyOf(loss);
        accuracy = List.copyOf(accuracy);
    }

    /** The number of epochs recorded. */
    public int epochs() {
        return loss.size();
    }
}
