package dev.jeras.kernels;

/** Thrown by a {@link KernelsProvider} whose kernels cannot run on this machine; the message says why. */
public class KernelsUnavailableException extends Exception {

    /** An exception whose message names the reason and the fix. */
    public KernelsUnavailableException(String message) {
        super(message);
    }

    /** An exception whose message names the reason and the fix, with the underlying failure. */
    public KernelsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
