package dev.jeras.callbacks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code CSVLogger}: one row per epoch, {@code epoch} then each log in sorted order, a
 * header first (not repeated when appending to a file that has one).
 */
public final class CSVLogger extends BaseCallback {

    private final Path file;
    private final String separator;
    private final boolean append;
    private BufferedWriter writer;
    private List<String> keys;

    /** Writes {@code file} anew, comma-separated. */
    public CSVLogger(Path file) {
        this(file, ",", false);
    }

    /** Every argument, as Keras's. */
    public CSVLogger(Path file, String separator, boolean append) {
        this.file = file;
        this.separator = separator;
        this.append = append;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        try {
            boolean hasHeader = append && Files.exists(file) && Files.size(file) > 0;
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            keys = hasHeader ? List.of() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        try {
            List<String> sorted = new ArrayList<>(logs.keySet());
            java.util.Collections.sort(sorted);
            if (keys == null) {
                keys = sorted;
                writer.write("epoch" + separator + String.join(separator, keys));
                writer.newLine();
            } else if (keys.isEmpty()) {
                keys = sorted;
            }
            StringBuilder row = new StringBuilder(Integer.toString(epoch));
            for (String k : keys) {
                Double v = logs.get(k);
                row.append(separator).append(v == null ? "NA" : Double.toString(v));
            }
            writer.write(row.toString());
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        try {
            if (writer != null) {
                writer.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot close " + file + ": " + e.getMessage(), e);
        } finally {
            writer = null;
        }
    }
}
