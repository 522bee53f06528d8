package dev.jeras.optimizers.schedules;

import java.util.Arrays;

/**
 * Keras's {@code PiecewiseConstantDecay}: {@code values[0]} up to and including step
 * {@code boundaries[0]}, {@code values[i]} for {@code boundaries[i-1] < step <= boundaries[i]}, and the
 * last value after the last boundary.
 */
public record PiecewiseConstantDecay(long[] boundaries, double[] values) implements LearningRateSchedule {

    /** Checks that there is one more value than boundaries and the boundaries increase. */
    public PiecewiseConstantDecay {
        if (values.length != boundaries.length + 1) {
            throw new IllegalArgumentException("PiecewiseConstantDecay needs one more value than boundaries, received "
                    + boundaries.length + " boundaries and " + values.length + " values");
        }
        for (int i = 1; i < boundaries.length; i++) {
            if (boundaries[i] <= boundaries[i - 1]) {
                throw new IllegalArgumentException("boundaries must increase, received " + Arrays.toString(boundaries));
            }
        }
        for (double v : values) {
            if (!(v > 0)) {
                throw new IllegalArgumentException("learning rates must be positive, received " + Arrays.toString(values));
            }
        }
        boundaries = boundaries.clone();
        values = values.clone();
    }

    @Override
    public long[] boundaries() {
        return boundaries.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public double at(long step) {
        for (int i = 0; i < boundaries.length; i++) {
            if (step <= boundaries[i]) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PiecewiseConstantDecay p && Arrays.equals(boundaries, p.boundaries) && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(boundaries) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "PiecewiseConstantDecay" + Arrays.toString(boundaries) + Arrays.toString(values);
    }
}
