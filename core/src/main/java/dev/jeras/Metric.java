package dev.jeras;

/** Metrics {@code compile} accepts. */
public enum Metric {
    /** Keras's {@code "accuracy"} with integer labels: the fraction of samples whose largest score is the label. */
    ACCURACY("accuracy");

    private final String kerasName;

    Metric(String kerasName) {
        this.kerasName = kerasName;
    }

    /** The name Keras prints, for example {@code accuracy}. */
    public String kerasName() {
        return kerasName;
    }
}
