package dev.jeras.models;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code evaluate} returns: the mean loss and each compiled metric over all samples, by Keras's
 * names ({@code loss}, {@code accuracy}, ...), in the order Keras prints them; as Keras's
 * {@code evaluate(..., return_dict=True)}.
 */
public final class EvalResult {

    private final Map<String, Double> logs;

    EvalResult(String[] names, double[] values) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], values[i]);
        }
        this.logs = Collections.unmodifiableMap(m);
    }

    /** Every value by name. */
    public Map<String, Double> logs() {
        return logs;
    }

    /** The value of {@code name}, or an error naming those there are. */
    public double get(String name) {
        Double v = logs.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no '" + name + "' in these results; they hold " + logs.keySet());
        }
        return v;
    }

    /** The mean loss (with any regularization penalty, as Keras reports it). */
    public double loss() {
        return get("loss");
    }

    /** The accuracy, when the model was compiled with {@code accuracy}. */
    public double accuracy() {
        return get("accuracy");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvalResult other && logs.equals(other.logs);
    }

    @Override
    public int hashCode() {
        return logs.hashCode();
    }

    @Override
    public String toString() {
        return logs.toString();
    }
}
