package dev.jeras.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.jeras.IntTensor;
import dev.jeras.Targets;
import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.callbacks.Callback;
import dev.jeras.layers.Layer;

/**
 * The arguments of {@code fit} beyond the data, with Keras's defaults: batch size 32, shuffling
 * every epoch, verbose 1, no validation, no callbacks. Immutable: each method returns a copy, so
 * {@code FitOptions.epochs(5).batchSize(64).validationSplit(0.1)} reads as Keras's keyword arguments.
 * {@code seed} fixes the shuffling order; without one it follows the model's seed.
 */
public final class FitOptions {

    private int epochs;
    private int batchSize = Layer.DEFAULT_BATCH_SIZE;
    private boolean shuffle = true;
    private int verbose = 1;
    private Long seed;
    private double validationSplit;
    private Tensor validationX;
    private Targets validationY;
    private int initialEpoch;
    private Map<Integer, Double> classWeight;
    private float[] sampleWeight;
    private List<Callback> callbacks = List.of();

    private FitOptions() {
    }

    /** Options for {@code epochs} epochs and Keras's defaults otherwise. */
    public static FitOptions epochs(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must not be negative, received " + epochs);
        }
        FitOptions o = new FitOptions();
        o.epochs = epochs;
        return o;
    }

    private FitOptions copy() {
        FitOptions o = new FitOptions();
        o.epochs = epochs;
        o.batchSize = batchSize;
        o.shuffle = shuffle;
        o.verbose = verbose;
        o.seed = seed;
        o.validationSplit = validationSplit;
        o.validationX = validationX;
        o.validationY = validationY;
        o.initialEpoch = initialEpoch;
        o.classWeight = classWeight;
        o.sampleWeight = sampleWeight;
        o.callbacks = callbacks;
        return o;
    }

    /** These options with another batch size. */
    public FitOptions batchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, received " + batchSize);
        }
        FitOptions o = copy();
        o.batchSize = batchSize;
        return o;
    }

    /** These options with shuffling on or off. */
    public FitOptions shuffle(boolean shuffle) {
        FitOptions o = copy();
        o.shuffle = shuffle;
        return o;
    }

    /** These options with another verbosity: 0 silent, 1 progress bar, 2 one line per epoch. */
    public FitOptions verbose(int verbose) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch), received "
                    + verbose);
        }
        FitOptions o = copy();
        o.verbose = verbose;
        return o;
    }

    /** These options with a fixed shuffling seed. */
    public FitOptions seed(long seed) {
        FitOptions o = copy();
        o.seed = seed;
        return o;
    }

    /**
     * Holds out the last {@code fraction} of the samples, taken before shuffling as Keras does, and
     * evaluates on them after each epoch ({@code val_loss}, {@code val_accuracy}, ...).
     */
    public FitOptions validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validationSplit must be in [0, 1), received " + fraction);
        }
        if (fraction > 0 && validationX != null) {
            throw new IllegalArgumentException("give either validationSplit or validationData, not both");
        }
        FitOptions o = copy();
        o.validationSplit = fraction;
        return o;
    }

    /** Evaluates on {@code x} against class labels {@code y} after each epoch. */
    public FitOptions validationData(Tensor x, UInt8Tensor y) {
        return validationData(x, Targets.of(y));
    }

    /** Evaluates on {@code x} against class labels {@code y} after each epoch. */
    public FitOptions validationData(Tensor x, IntTensor y) {
        return validationData(x, Targets.of(y));
    }

    /** Evaluates on {@code x} against float targets {@code y} after each epoch. */
    public FitOptions validationData(Tensor x, Tensor y) {
        return validationData(x, Targets.of(y));
    }

    private FitOptions validationData(Tensor x, Targets y) {
        if (validationSplit > 0) {
            throw new IllegalArgumentException("give either validationSplit or validationData, not both");
        }
        if (x.shape().rank() < 2 || x.rows() == 0 || x.rows() != y.rows()) {
            throw new IllegalArgumentException("validation data needs a non-empty batch of samples and one target per sample, "
                    + "received x of shape " + x.shape() + " and " + y.rows() + " targets");
        }
        FitOptions o = copy();
        o.validationX = x;
        o.validationY = y;
        return o;
    }

    /** Starts counting at this epoch (from 0), to resume an earlier fit: epochs {@code initialEpoch} to {@code epochs - 1} run. */
    public FitOptions initialEpoch(int initialEpoch) {
        if (initialEpoch < 0) {
            throw new IllegalArgumentException("initialEpoch must not be negative, received " + initialEpoch);
        }
        FitOptions o = copy();
        o.initialEpoch = initialEpoch;
        return o;
    }

    /**
     * Weights each training sample's loss by its class's weight ({@code classWeight.get(label)};
     * classes not in the map weigh 1 in jeras, where Keras needs every class). Not used for
     * validation, as in Keras.
     */
    public FitOptions classWeight(Map<Integer, Double> classWeight) {
        if (sampleWeight != null) {
            throw new IllegalArgumentException("give either classWeight or sampleWeight, not both (Keras refuses both too)");
        }
        for (Map.Entry<Integer, Double> e : classWeight.entrySet()) {
            if (e.getKey() == null || e.getKey() < 0 || e.getValue() == null || !(e.getValue() >= 0) || e.getValue().isInfinite()) {
                throw new IllegalArgumentException("class weights map class indices (>= 0) to finite weights >= 0, received "
                        + e.getKey() + " -> " + e.getValue());
            }
        }
        FitOptions o = copy();
        o.classWeight = new TreeMap<>(classWeight);
        return o;
    }

    /** Weights each sample's loss and metrics by {@code weights[i]}; with {@code validationSplit} the held-out part keeps its weights. */
    public FitOptions sampleWeight(float[] weights) {
        if (classWeight != null) {
            throw new IllegalArgumentException("give either classWeight or sampleWeight, not both (Keras refuses both too)");
        }
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0) || Float.isInfinite(weights[i])) {
                throw new IllegalArgumentException("sample weight " + i + " is " + weights[i] + "; weights must be finite and >= 0");
            }
        }
        FitOptions o = copy();
        o.sampleWeight = weights.clone();
        return o;
    }

    /** Calls these callbacks' hooks during training, in order (Keras's {@code callbacks=[...]}). */
    public FitOptions callbacks(Callback... callbacks) {
        List<Callback> list = new ArrayList<>(Arrays.asList(callbacks));
        if (list.contains(null)) {
            throw new IllegalArgumentException("a callback is null: " + list);
        }
        FitOptions o = copy();
        o.callbacks = List.copyOf(list);
        return o;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public int verbose() {
        return verbose;
    }

    /** The shuffling seed, or null to follow the model's. */
    public Long seed() {
        return seed;
    }

    public double validationSplit() {
        return validationSplit;
    }

    /** The validation inputs given by {@link #validationData}, or null. */
    public Tensor validationX() {
        return validationX;
    }

    /** The validation targets given by {@link #validationData}, or null. */
    public Targets validationY() {
        return validationY;
    }

    public int initialEpoch() {
        return initialEpoch;
    }

    /** The class weights, or null. */
    public Map<Integer, Double> classWeight() {
        return classWeight;
    }

    /** A copy of the sample weights, or null. */
    public float[] sampleWeight() {
        return sampleWeight == null ? null : sampleWeight.clone();
    }

    float[] sampleWeightArray() {
        return sampleWeight;
    }

    public List<Callback> callbacks() {
        return callbacks;
    }
}
