package dev.jeras.callbacks;

import java.io.PrintStream;

import dev.jeras.models.Sequential;

/** Holds the model a callback works on, as Keras's {@code self.model}. */
abstract class BaseCallback implements Callback {

    private Sequential model;

    @Override
    public void setModel(Sequential model) {
        this.model = model;
    }

    /** The model being trained. */
    protected Sequential model() {
        return model;
    }

    /** Where the model prints (its {@code output}). */
    protected PrintStream out() {
        return model.output();
    }

    /** {@code min}, {@code max} or {@code auto} (max for accuracies and AUC, else min), as Keras decides. */
    static boolean maximize(String mode, String monitor) {
        return switch (mode) {
            case "min" -> false;
            case "max" -> true;
            case "auto" -> monitor.endsWith("acc") || monitor.endsWith("accuracy") || monitor.endsWith("auc");
            default -> throw new IllegalArgumentException("mode must be 'auto', 'min' or 'max', received '" + mode + "'");
        };
    }
}
