package dev.jeras.datasets;

/** A dataset could not be read or found; the message names the problem and how to fix it. */
public class DatasetException extends RuntimeException {

    /** An exception with a message that says what went wrong and what to do. */
    public DatasetException(String message) {
        super(message);
    }

    /** An exception with a message that says what went wrong and what to do, and its cause. */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
