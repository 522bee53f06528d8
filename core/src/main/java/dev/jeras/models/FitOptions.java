package dev.jeras.models;

/**
 * The arguments of {@code fit} beyond the data, with Keras's defaults: batch size 32, shuffling
 * every epoch, verbose 1. {@code seed} fixes the shuffling order; without one it follows the model's seed.
 */
public record FitOptions(int epochs, int batchSize, boolean shuffle, int verbose, Long seed) {

    /** Checks every option. */
    public FitOptions {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must not be negative, received " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, received " + batchSize);
        }
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch), received "
                    + verbose);
        }
    }

    /** Options for {@code epochs} epochs and Keras's defaults otherwise. */
    public static FitOptions epochs(int epochs) {
        return new FitOptions(epochs, 32, true, 1, null);
    }

    /** These options with another batch size. */
    public FitOptions batchSize(int batchSize) {
        return new FitOptions(epochs, batchSize, shuffle, verbose, seed);
    }

    /** These options with shuffling on or off. */
    public FitOptions shuffle(boolean shuffle) {
        return new FitOptions(epochs, batchSize, shuffle, verbose, seed);
    }

    /** These options with another verbosity: 0 silent, 1 progress bar, 2 one line per epoch. */
    public FitOptions verbose(int verbose) {
        return new FitOptions(epochs, batchSize, shuffle, verbose, seed);
    }

    /** These options with a fixed shuffling seed. */
    public FitOptions seed(long seed) {
        return new FitOptions(epochs, batchSize, shuffle, verbose, seed);
    }
}
