package dev.jeras.saving;

import java.io.IOException;

/**
 * A model or weights file that jeras cannot load as it is: truncated, corrupt or tampered, holding
 * entries or layers jeras does not expect, or weights whose count or shapes do not match the model.
 * The message names the file, the layer or entry, and what was expected. Nothing is half-loaded: a
 * load that throws this leaves the model as it was (or returns none).
 */
public class ModelFileException extends IOException {

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
