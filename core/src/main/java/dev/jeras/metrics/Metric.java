package dev.jeras.metrics;

import dev.jeras.Targets;
import dev.jeras.Tensor;

/**
 * A metric, as Keras's {@code keras.metrics.Metric}: state accumulated batch by batch
 * ({@link #update}), read by {@link #result}, cleared by {@link #reset}. {@code compile} takes
 * metrics by Keras's names ({@code "accuracy"}, {@code "mae"}, {@code "auc"}, see {@link #get}) or
 * as objects; each run of {@code fit} or {@code evaluate} works on its own {@link #copy}, so runs on
 * several threads share no state.
 */
public abstract class Metric {

    private final String name;

    /** A metric shown as {@code name} in logs and the progress bar. */
    protected Metric(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a metric needs a name");
        }
        this.name = name;
    }

    /** The name in logs, as in {@code accuracy: 0.9812}. */
    public final String name() {
        return name;
    }

    /** Clears the state. */
    public abstract void reset();

    /** Adds a batch: targets, predictions (batch, ...) and sample weights (null: all 1). Allocates nothing. */
    public abstract void update(Targets yTrue, Tensor yPred, float[] weights);

    /** The value over everything added since the last reset. */
    public abstract double result();

    /** A metric of the same kind and settings with empty state. */
    public abstract Metric copy();

    /**
     * The metric Keras means by {@code name}: {@code accuracy} (or {@code acc}), which follows the
     * targets as Keras's does (binary for one output, sparse categorical for class indices,
     * categorical for one-hot), {@code sparse_categorical_accuracy}, {@code categorical_accuracy},
     * {@code binary_accuracy}, {@code top_k_categorical_accuracy},
     * {@code sparse_top_k_categorical_accuracy}, {@code mae}, {@code mse}, {@code auc}, and the long
     * names {@code mean_absolute_error} and {@code mean_squared_error}.
     */
    public static Metric get(String name) {
        return switch (name) {
            case "accuracy", "acc" -> new Accuracy(name);
            case "sparse_categorical_accuracy" -> new SparseCategoricalAccuracy();
            case "categorical_accuracy" -> new CategoricalAccuracy();
            case "binary_accuracy" -> new BinaryAccuracy();
            case "top_k_categorical_accuracy" -> new TopKCategoricalAccuracy(5, name);
            case "sparse_top_k_categorical_accuracy" -> new TopKCategoricalAccuracy(5, name);
            case "mae", "mean_absolute_error" -> new MeanAbsoluteError(name);
            case "mse", "mean_squared_error" -> new MeanSquaredError(name);
            case "auc" -> new AUC();
            default -> throw new IllegalArgumentException("metric '" + name + "' is not one jeras has; it has accuracy, "
                    + "sparse_categorical_accuracy, categorical_accuracy, binary_accuracy, top_k_categorical_accuracy, "
                    + "sparse_top_k_categorical_accuracy, mae, mse and auc");
        };
    }
}
