package dev.jeras.io;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * The reference Keras 3.15.1 files of {@code ../shared/keras-format/}: found through
 * {@code -Djeras.keras.reference} (set by the build) or beside the checkout. Without them these
 * tests skip and say why, except in CI ({@code CI} set), where that is a failure.
 */
final class Reference {

    private Reference() {
    }

    static Path dir() {
        String configured = System.getProperty("jeras.keras.reference");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "keras-format");
        if (!Files.isRegularFile(dir.resolve("quickstart.keras"))) {
            String why = "the reference Keras files are not at " + dir.toAbsolutePath().normalize()
                    + " (set -Djeras.keras.reference=DIR to the directory holding quickstart.keras)";
            if (System.getenv("CI") != null) {
                fail(why + ", and CI is set, so this must not skip");
            }
            Assumptions.abort(why);
        }
        return dir;
    }

    static Path file(String name) {
        return dir().resolve(name);
    }
}
