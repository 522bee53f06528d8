package dev.jeras.losses;

/** What the binary and the categorical cross-entropy share: logits or probabilities, and label smoothing in [0, 1]. */
abstract sealed class SmoothedCrossentropy extends Loss permits BinaryCrossentropy, CategoricalCrossentropy {

    private final boolean fromLogits;
    private final double labelSmoothing;

    SmoothedCrossentropy(String name, boolean fromLogits, double labelSmoothing) {
        super(name);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1], received " + labelSmoothing);
        }
        this.fromLogits = fromLogits;
        this.labelSmoothing = labelSmoothing;
    }

    /** Whether predictions are logits. */
    public final boolean fromLogits() {
        return fromLogits;
    }

    /** The label smoothing, as given. */
    public final double labelSmoothing() {
        return labelSmoothing;
    }
}
