package dev.jeras.callbacks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code fit} returns, as Keras's {@code History}: each epoch's logs, by name
 * ({@code history().get("val_loss")}), and {@link #plot} to draw them.
 */
public final class History implements Callback {

    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private final List<Integer> epochs = new ArrayList<>();

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochs.add(epoch);
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            history.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
    }

    /** Each log's value per epoch, by name, in the order Keras shows them (Keras's {@code history.history}). */
    public Map<String, List<Double>> history() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        history.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }

    /** The values of one log per epoch, or an error naming those there are. */
    public List<Double> get(String name) {
        List<Double> values = history.get(name);
        if (values == null) {
            throw new IllegalArgumentException("no '" + name + "' in this history; it holds " + history.keySet());
        }
        return List.copyOf(values);
    }

    /** The training loss per epoch. */
    public List<Double> loss() {
        return get("loss");
    }

    /** The training accuracy per epoch (when the model was compiled with {@code accuracy}). */
    public List<Double> accuracy() {
        return get("accuracy");
    }

    /** The epochs recorded, from 0 (from {@code initialEpoch} when given). */
    public List<Integer> epoch() {
        return List.copyOf(epochs);
    }

    /** The number of epochs recorded. */
    public int epochs() {
        return epochs.size();
    }

    /**
     * Draws the curves as an SVG file a browser shows: one panel per quantity (the loss, then each
     * metric), training and validation per epoch. Written atomically.
     */
    public void plot(Path file) throws IOException {
        HistoryPlot.write(this, file);
    }
}
