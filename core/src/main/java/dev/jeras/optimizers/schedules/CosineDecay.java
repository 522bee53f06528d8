package dev.jeras.optimizers.schedules;

/**
 * Keras's {@code CosineDecay}. Without warm-up ({@code warmupTarget} null), the rate is
 * {@code initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps)) + alpha)}.
 * With warm-up it rises linearly from {@code initialLearningRate} to {@code warmupTarget} over
 * {@code warmupSteps} steps, then decays from {@code warmupTarget} as above over {@code decaySteps}
 * more (alpha then a fraction of the target), as Keras 3 computes it.
 */
public record CosineDecay(double initialLearningRate, long decaySteps, double alpha, Double warmupTarget, long warmupSteps)
        implements LearningRateSchedule {

    /** Checks the arguments. */
    public CosineDecay {
        // Without warm-up the decay starts from the initial rate, which must then be positive; with
        // warm-up it starts from the target, and the initial rate may be 0 (Keras's own example).
        boolean rates = warmupTarget == null
                ? initialLearningRate > 0
                : initialLearningRate >= 0 && warmupTarget > 0 && warmupTarget < Double.POSITIVE_INFINITY;
        if (!rates || !(initialLearningRate < Double.POSITIVE_INFINITY) || decaySteps <= 0 || !(alpha >= 0 && alpha <= 1)
                || warmupSteps < 0) {
            throw new IllegalArgumentException("CosineDecay needs decay steps above 0, alpha in [0, 1], warm-up steps of at least 0, "
                    + "and a positive initial rate (with warm-up: a rate of at least 0 and a positive target), received initial "
                    + initialLearningRate + ", decay steps " + decaySteps + ", alpha " + alpha + ", warm-up target " + warmupTarget
                    + ", warm-up steps " + warmupSteps);
        }
    }

    /** No warm-up. */
    public CosineDecay(double initialLearningRate, long decaySteps, double alpha) {
        this(initialLearningRate, decaySteps, alpha, null, 0);
    }

    /** No warm-up, alpha 0, as Keras's defaults. */
    public CosineDecay(double initialLearningRate, long decaySteps) {
        this(initialLearningRate, decaySteps, 0);
    }

    @Override
    public double at(long step) {
        if (warmupTarget == null) {
            return decayed(Math.min(step, decaySteps), initialLearningRate);
        }
        long clamped = Math.min(step, decaySteps + warmupSteps);
        if (clamped < warmupSteps) {
            return (warmupTarget - initialLearningRate) * ((double) clamped / warmupSteps) + initialLearningRate;
        }
        return decayed(clamped - warmupSteps, warmupTarget);
    }

    private double decayed(long step, double from) {
        double fraction = (double) step / decaySteps;
        return from * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * fraction)) + alpha);
    }
}
