package dev.jeras.callbacks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.jeras.Tensor;

/**
 * Keras's {@code EarlyStopping}: stops training when {@code monitor} ({@code val_loss} by default)
 * has not improved by more than {@code minDelta} for {@code patience} epochs. With
 * {@code restoreBestWeights} the model ends with the weights of its best epoch, as Keras 3 restores
 * them: at the end of training, stopped early or not. Epochs before {@code startFromEpoch} are not
 * watched. Where Keras only warns that the monitored value is missing from the logs, this throws.
 */
public final class EarlyStopping extends BaseCallback {

    private final String monitor;
    private final double minDelta;
    private final int patience;
    private final String mode;
    private final boolean restoreBestWeights;
    private final int startFromEpoch;
    private final int verbose;
    private boolean maximize;
    private int wait;
    private double best;
    private int bestEpoch;
    private List<Tensor> bestWeights;
    private int stoppedEpoch;

    /** Keras's defaults: monitor {@code val_loss}, no min delta, patience 0, mode auto, no restore. */
    public EarlyStopping() {
        this("val_loss", 0, 0, "auto", false, 0, 0);
    }

    /** Watches {@code monitor} with the given patience, restoring the best weights when asked. */
    public EarlyStopping(String monitor, int patience, boolean restoreBestWeights) {
        this(monitor, 0, patience, "auto", restoreBestWeights, 0, 0);
    }

    /** Every argument, as Keras's ({@code baseline} excepted). */
    public EarlyStopping(String monitor, double minDelta, int patience, String mode, boolean restoreBestWeights,
                         int startFromEpoch, int verbose) {
        if (patience < 0 || startFromEpoch < 0) {
            throw new IllegalArgumentException("patience and startFromEpoch must not be negative");
        }
        this.monitor = monitor;
        this.minDelta = Math.abs(minDelta);
        this.patience = patience;
        this.mode = mode;
        this.restoreBestWeights = restoreBestWeights;
        this.startFromEpoch = startFromEpoch;
        this.verbose = verbose;
        maximize(mode, monitor); // checks the mode now rather than at the first epoch
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        maximize = maximize(mode, monitor);
        wait = 0;
        stoppedEpoch = 0;
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        bestWeights = null;
        bestEpoch = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double current = logs.get(monitor);
        if (current == null) {
            throw new IllegalStateException("EarlyStopping watches '" + monitor + "', which is not in the logs " + logs.keySet()
                    + (monitor.startsWith("val_") ? "; give fit validation data (validationSplit or validationData)" : ""));
        }
        if (epoch < startFromEpoch) {
            return;
        }
        if (restoreBestWeights && bestWeights == null) {
            bestWeights = model().getWeights(); // Keras keeps the first watched epoch's weights as the best so far
            bestEpoch = epoch;
        }
        wait++;
        if (improves(current, best)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) {
                bestWeights = model().getWeights();
            }
            wait = 0;
            return;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch;
            model().stopTraining(true);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        if (stoppedEpoch > 0 && verbose > 0) {
            out().printf(Locale.ROOT, "Epoch %d: early stopping%n", stoppedEpoch + 1);
        }
        if (restoreBestWeights && bestWeights != null) {
            if (verbose > 0) {
                out().printf(Locale.ROOT, "Restoring model weights from the end of the best epoch: %d.%n", bestEpoch + 1);
            }
            model().setWeights(bestWeights);
        }
    }

    private boolean improves(double current, double reference) {
        return maximize ? current - minDelta > reference : current + minDelta < reference;
    }

    /** The epoch (from 0) whose weights were best, once training has run. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The epoch (from 0) at which training was stopped, or 0 when it was not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }
}
