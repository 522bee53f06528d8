package dev.jeras.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras's {@code ModelCheckpoint}: saves the model (a {@code .keras} file) or its weights (with
 * {@code saveWeightsOnly}: {@code .weights.h5}, {@code .safetensors} or {@code .npz}) after each
 * epoch, or only when {@code monitor} improved ({@code saveBestOnly}). The path may hold Keras's
 * placeholders {@code {epoch}} (from 1), {@code {epoch:02d}} and a log such as {@code {val_loss:.4f}}.
 * Each file is written atomically.
 */
public final class ModelCheckpoint extends BaseCallback {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)(?::([^}]*))?}");

    private final String filepath;
    private final String monitor;
    private final boolean saveBestOnly;
    private final boolean saveWeightsOnly;
    private final int verbose;
    private boolean maximize;
    private double best;

    /** Saves after every epoch to {@code filepath}. */
    public ModelCheckpoint(String filepath) {
        this(filepath, "val_loss", false, false, 0);
    }

    /** Every argument but the mode (from the monitor's name, as Keras's {@code auto}) and the save frequency (each epoch). */
    public ModelCheckpoint(String filepath, String monitor, boolean saveBestOnly, boolean saveWeightsOnly, int verbose) {
        this.filepath = filepath;
        this.monitor = monitor;
        this.saveBestOnly = saveBestOnly;
        this.saveWeightsOnly = saveWeightsOnly;
        this.verbose = verbose;
        String name = Path.of(filepath.replaceAll("[{}]", "_")).getFileName().toString();
        boolean modelFile = name.endsWith(".keras");
        boolean weightsFile = name.endsWith(".weights.h5") || name.endsWith(".safetensors") || name.endsWith(".npz");
        if (saveWeightsOnly ? !weightsFile : !modelFile) {
            throw new IllegalArgumentException("ModelCheckpoint's file must end in "
                    + (saveWeightsOnly ? ".weights.h5, .safetensors or .npz when saving weights only" : ".keras") + ", received " + filepath);
        }
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        maximize = maximize("auto", monitor);
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Path path = Path.of(format(filepath, epoch, logs));
        if (saveBestOnly) {
            Double current = logs.get(monitor);
            if (current == null) {
                throw new IllegalStateException("ModelCheckpoint watches '" + monitor + "', which is not in the logs " + logs.keySet());
            }
            if (!(maximize ? current > best : current < best)) {
                if (verbose > 0) {
                    out().printf(Locale.ROOT, "%nEpoch %d: %s did not improve from %.5f%n", epoch + 1, monitor, best);
                }
                return;
            }
            if (verbose > 0) {
                out().printf(Locale.ROOT, "%nEpoch %d: %s improved from %.5f to %.5f, saving model to %s%n", epoch + 1, monitor, best,
                        current, path);
            }
            best = current;
        } else if (verbose > 0) {
            out().printf(Locale.ROOT, "%nEpoch %d: saving model to %s%n", epoch + 1, path);
        }
        try {
            if (saveWeightsOnly) {
                model().saveWeights(path);
            } else {
                model().save(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint cannot save " + path + ": " + e.getMessage(), e);
        }
    }

    /** Python's {@code filepath.format(epoch=epoch + 1, **logs)} for the placeholders Keras users write. */
    static String format(String filepath, int epoch, Map<String, Double> logs) {
        Matcher m = PLACEHOLDER.matcher(filepath);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String spec = m.group(2);
            String value;
            if (key.equals("epoch")) {
                value = spec == null ? Integer.toString(epoch + 1) : String.format(Locale.ROOT, "%" + spec, epoch + 1);
            } else if (logs.containsKey(key)) {
                double v = logs.get(key);
                value = spec == null ? Double.toString(v) : String.format(Locale.ROOT, "%" + spec, v);
            } else {
                throw new IllegalArgumentException("ModelCheckpoint's path names {" + key + "}, which is neither epoch nor in the logs "
                        + logs.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
