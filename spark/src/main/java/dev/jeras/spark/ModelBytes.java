package dev.jeras.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.jeras.models.Sequential;

/**
 * A model as the bytes of a Keras 3 {@code .keras} file, the form in which it travels to executors:
 * config, weights and optimizer state, so a loaded copy trains on exactly where the original stopped.
 */
final class ModelBytes {

    private ModelBytes() {
    }

    static byte[] of(Sequential model) {
        try {
            Path dir = Files.createTempDirectory("jeras-spark");
            Path file = dir.resolve("model.keras");
            try {
                model.save(file);
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model " + model.name() + " as .keras bytes: " + e.getMessage(), e);
        }
    }

    /** The model in {@code bytes}, compiled as saved; {@code source} names it in errors. */
    static Sequential load(byte[] bytes, String source) {
        try {
            Path dir = Files.createTempDirectory("jeras-spark");
            Path file = dir.resolve("model.keras");
            try {
                Files.write(file, bytes);
                return Sequential.load(file);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model " + source + ": " + e.getMessage(), e);
        }
    }
}
