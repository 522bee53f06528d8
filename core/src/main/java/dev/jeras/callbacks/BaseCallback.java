package dev.jeras.callbacks;

import java.io.PrintStream;
import java.util.Locale;

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

    /**
     * A number as Python's {@code repr(float)} prints it, as Keras's messages show a learning rate:
     * the shortest digits that read back the same (as {@link Double#toString}), plain between 1e-4
     * and 1e16, otherwise {@code 1e-05} style.
     */
    static String pythonRepr(double x) {
        if (x == 0 || !Double.isFinite(x)) {
            return x == 0 ? "0.0" : Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
        }
        java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(x));
        double abs = Math.abs(x);
        if (abs >= 1e-4 && abs < 1e16) {
            String plain = d.stripTrailingZeros().toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = d.unscaledValue().abs().toString().replaceAll("0+$", "");
        int exponent = d.precision() - d.scale() - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (x < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
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
