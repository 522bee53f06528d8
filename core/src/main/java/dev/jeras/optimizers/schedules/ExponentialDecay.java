package dev.jeras.optimizers.schedules;

/**
 * Keras's {@code ExponentialDecay}: {@code initial * decayRate ^ (step / decaySteps)}, the exponent
 * rounded down when {@code staircase}.
 */
public record ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {

    /** Checks the arguments. */
    public ExponentialDecay {
        if (!(initialLearningRate > 0) || decaySteps <= 0 || !(decayRate > 0)) {
            throw new IllegalArgumentException("ExponentialDecay needs a positive initial rate, decay steps and decay rate, received "
                    + initialLearningRate + ", " + decaySteps + ", " + decayRate);
        }
    }

    /** Without staircase, as Keras's default. */
    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false);
    }

    @Override
    public double at(long step) {
        double p = (double) step / decaySteps;
        return initialLearningRate * Math.pow(decayRate, staircase ? Math.floor(p) : p);
    }
}
