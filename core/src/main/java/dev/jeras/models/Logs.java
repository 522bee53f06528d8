package dev.jeras.models;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The logs a callback reads, as a read-only map over the training loop's own arrays: building it
 * allocates nothing per step, and a value is boxed only when a callback asks for it.
 */
final class Logs extends AbstractMap<String, Double> {

    private final String[] names;
    private final double[] values;

    Logs(String[] names, double[] values) {
        this.names = names;
        this.values = values;
    }

    @Override
    public Double get(Object key) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(key)) {
                return values[i];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        for (String name : names) {
            if (name.equals(key)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public Set<Entry<String, Double>> entrySet() {
        return snapshot().entrySet();
    }

    /** A copy that stays as it is when the loop moves on. */
    Map<String, Double> snapshot() {
        Map<String, Double> copy = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            copy.put(names[i], values[i]);
        }
        return copy;
    }
}
