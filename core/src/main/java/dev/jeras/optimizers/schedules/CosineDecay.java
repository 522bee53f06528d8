package dev.jeras.optimizers.schedules;

/**
 * Keras's {@code CosineDecay} (without warm-up): {@code initial * ((1 - alpha) * 0.5 * (1 + cos(pi *
 * min(step, decaySteps) / decaySteps)) + alpha)}.
 */
public record CosineDecay(double initialLearningRate, long decaySteps, double alpha) implements LearningRateSchedule {

    /** Checks the arguments. */
    public CosineDecay {
        if (!(initialLearningRate > 0) || decaySteps <= 0 || !(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("CosineDecay needs a positive initial rate and decay steps and alpha in [0, 1], received "
                    + initialLearningRate + ", " + decaySteps + ", " + alpha);
        }
    }

    /** Alpha 0, as Keras's default. */
    public CosineDecay(double initialLearningRate, long decaySteps) {
        this(initialLearningRate, decaySteps, 0);
    }

    @Override
    public double at(long step) {
        double fraction = (double) Math.min(step, decaySteps) / decaySteps;
        return initialLearningRate * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * fraction)) + alpha);
    }
}
