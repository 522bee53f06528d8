package dev.jeras.models;

/** What {@code evaluate} returns: the mean loss and the accuracy over all samples. */
public record EvalResult(double loss, double accuracy) {
}
