package dev.jeras.callbacks;

import java.util.Locale;
import java.util.Map;

/**
 * Keras's {@code ReduceLROnPlateau}: when {@code monitor} has not improved by {@code minDelta} for
 * {@code patience} epochs, multiplies the learning rate by {@code factor} (not below {@code minLr}),
 * then waits {@code cooldown} epochs. Keras's defaults: {@code val_loss}, factor 0.1, patience 10,
 * min delta 1e-4, cooldown 0, min lr 0.
 */
public final class ReduceLROnPlateau extends BaseCallback {

    private final String monitor;
    private final double factor;
    private final int patience;
    private final double minDelta;
    private final int cooldown;
    private final double minLr;
    private final int verbose;
    private boolean maximize;
    private double best;
    private int wait;
    private int cooldownCounter;

    /** Keras's defaults. */
    public ReduceLROnPlateau() {
        this("val_loss", 0.1, 10, 1e-4, 0, 0, 0);
    }

    /** Every argument but the mode (chosen from the monitor's name, as Keras's {@code auto}). */
    public ReduceLROnPlateau(String monitor, double factor, int patience, double minDelta, int cooldown, double minLr, int verbose) {
        if (!(factor < 1 && factor > 0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau does not support a factor >= 1 (or <= 0), received " + factor);
        }
        this.monitor = monitor;
        this.factor = factor;
        this.patience = patience;
        this.minDelta = minDelta;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.verbose = verbose;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        maximize = maximize("auto", monitor);
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        wait = 0;
        cooldownCounter = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double current = logs.get(monitor);
        if (current == null) {
            throw new IllegalStateException("ReduceLROnPlateau watches '" + monitor + "', which is not in the logs " + logs.keySet());
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (maximize ? current > best + minDelta : current < best - minDelta) {
            best = current;
            wait = 0;
        } else if (cooldownCounter <= 0) {
            wait++;
            if (wait >= patience) {
                double old = model().optimizer().learningRate();
                if (old > minLr) {
                    double lr = Math.max(old * factor, minLr);
                    model().optimizer().setLearningRate(lr);
                    if (verbose > 0) {
                        out().printf(Locale.ROOT, "%nEpoch %d: ReduceLROnPlateau reducing learning rate to %s.%n", epoch + 1, pythonRepr(lr));
                    }
                    cooldownCounter = cooldown;
                    wait = 0;
                }
            }
        }
    }
}
