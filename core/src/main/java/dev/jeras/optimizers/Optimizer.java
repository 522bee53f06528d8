package dev.jeras.optimizers;

import java.util.ArrayList;
import java.util.List;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Parameter;
import dev.jeras.optimizers.schedules.LearningRateSchedule;

/**
 * Updates weights from their gradients, as Keras's optimizers: {@link SGD} (with momentum and
 * Nesterov), {@link RMSprop}, {@link Adam} (with amsgrad), {@link AdamW}, {@link Adagrad}. Each step,
 * in Keras's order: the learning rate is read (from a schedule at the iteration count, when one was
 * given), the gradients are clipped if asked ({@link #clipnorm}, {@link #globalClipnorm} or
 * {@link #clipvalue}, one of them), decoupled weight decay shrinks the weights ({@code w -= w * wd *
 * lr}), then each optimizer's update runs as a kernel. Its state binds to the weights at the first
 * step (or {@link #build}) and holds no subnormal values.
 */
public abstract sealed class Optimizer permits SGD, RMSprop, Adam, Adagrad {

    private float learningRate;
    private final LearningRateSchedule schedule;
    private double weightDecay;
    private double clipnorm;
    private double globalClipnorm;
    private double clipvalue;
    private long iterations;
    private List<Parameter> bound;
    private final List<float[]> slots = new ArrayList<>();
    private final List<Shape> slotShapes = new ArrayList<>();

    /** A constant learning rate when {@code schedule} is null, else the schedule (the rate is then ignored). */
    Optimizer(double learningRate, LearningRateSchedule schedule, String who) {
        if (schedule == null && (!(learningRate > 0) || Double.isInfinite(learningRate))) {
            throw new IllegalArgumentException(who + " learning rate must be positive, received " + learningRate);
        }
        this.schedule = schedule;
        this.learningRate = (float) (schedule != null ? schedule.at(0) : learningRate);
    }

    /** {@code schedule}, or an error when a constructor that takes one is given null. */
    static LearningRateSchedule required(LearningRateSchedule schedule, String who) {
        if (schedule == null) {
            throw new IllegalArgumentException(who + " needs a learning rate or a schedule, received null");
        }
        return schedule;
    }

    // ---------------------------------------------------------------------------------------------
    // Options, before the first step

    /** Clips each gradient to at most this L2 norm (Keras's {@code clipnorm}). */
    public Optimizer clipnorm(double norm) {
        this.clipnorm = clipOption("clipnorm", norm);
        return this;
    }

    /** Clips all gradients together to at most this global L2 norm (Keras's {@code global_clipnorm}). */
    public Optimizer globalClipnorm(double norm) {
        this.globalClipnorm = clipOption("global_clipnorm", norm);
        return this;
    }

    /** Clips every gradient value into {@code [-value, value]} (Keras's {@code clipvalue}). */
    public Optimizer clipvalue(double value) {
        this.clipvalue = clipOption("clipvalue", value);
        return this;
    }

    /** Decoupled weight decay, {@code w -= w * weightDecay * lr} before each update (Keras's {@code weight_decay}). */
    public Optimizer weightDecay(double weightDecay) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and not negative, received " + weightDecay);
        }
        requireUnbound("weight_decay");
        this.weightDecay = weightDecay;
        return this;
    }

    private double clipOption(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive and finite, received " + value);
        }
        requireUnbound(name);
        int set = (clipnorm > 0 ? 1 : 0) + (globalClipnorm > 0 ? 1 : 0) + (clipvalue > 0 ? 1 : 0);
        boolean same = name.equals("clipnorm") && clipnorm > 0 || name.equals("global_clipnorm") && globalClipnorm > 0
                || name.equals("clipvalue") && clipvalue > 0;
        if (set > 0 && !same) {
            throw new IllegalArgumentException("only one of clipnorm, clipvalue and global_clipnorm can be set, as in Keras");
        }
        return value;
    }

    private void requireUnbound(String option) {
        if (bound != null) {
            throw new IllegalStateException(option + " must be set before the optimizer's first step");
        }
    }

    /** The clip norm per gradient, or 0 for none. */
    public double clipnorm() {
        return clipnorm;
    }

    /** The global clip norm, or 0 for none. */
    public double globalClipnorm() {
        return globalClipnorm;
    }

    /** The clip value, or 0 for none. */
    public double clipvalue() {
        return clipvalue;
    }

    /** The decoupled weight decay, or 0 for none. */
    public double weightDecay() {
        return weightDecay;
    }

    /** The learning-rate schedule, or null when the rate is a number. */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    // ---------------------------------------------------------------------------------------------
    // Stepping

    /**
     * Applies one update to every weight from its current gradient (Keras's {@code apply_gradients}).
     * Allocates nothing after the first step.
     */
    public final void step(Kernels kernels, List<Parameter> parameters) {
        if (bound == null) {
            build(parameters);
        } else if (bound != parameters && !bound.equals(parameters)) {
            throw otherWeights();
        }
        float lr = schedule != null ? (float) schedule.at(iterations) : learningRate;
        learningRate = lr;
        if (clipnorm > 0) {
            for (Parameter p : parameters) {
                scale(p.gradient().array(), (float) (clipnorm / Math.max(norm(p.gradient().array()), clipnorm)));
            }
        } else if (globalClipnorm > 0) {
            double squares = 0;
            for (Parameter p : parameters) {
                double n = norm(p.gradient().array());
                squares += n * n;
            }
            double global = Math.sqrt(squares);
            float factor = (float) (globalClipnorm / Math.max(global, globalClipnorm));
            for (Parameter p : parameters) {
                scale(p.gradient().array(), factor);
            }
        } else if (clipvalue > 0) {
            float c = (float) clipvalue;
            for (Parameter p : parameters) {
                float[] g = p.gradient().array();
                for (int i = 0; i < g.length; i++) {
                    g[i] = Math.min(Math.max(g[i], -c), c);
                }
            }
        }
        if (weightDecay > 0) {
            float decay = (float) weightDecay * lr;
            for (Parameter p : parameters) {
                float[] w = p.value().array();
                for (int i = 0; i < w.length; i++) {
                    float decayed = w[i] - w[i] * decay;
                    // A weight that only decays (a dead input's) shrinks geometrically: keep it out of the
                    // subnormal range, where Intel pays a microcode assist per instruction (see the kernels).
                    w[i] = Math.abs(decayed) < Float.MIN_NORMAL ? 0f : decayed;
                }
            }
        }
        iterations++;
        for (int i = 0; i < parameters.size(); i++) {
            update(kernels, i, parameters.get(i), lr, iterations);
        }
    }

    /** The update of weight {@code i} at step {@code t} (1 for the first), its gradient already clipped. */
    abstract void update(Kernels kernels, int i, Parameter p, float lr, long t);

    /** Creates the state for {@code parameters} in Keras's order of variables, through {@link #addSlot}. */
    abstract void createSlots(List<Parameter> parameters);

    /** A state array shaped like {@code p}, filled with {@code initial}; slots are kept in the order added. */
    final float[] addSlot(Parameter p, float initial) {
        float[] slot = new float[p.size()];
        if (initial != 0f) {
            java.util.Arrays.fill(slot, initial);
        }
        slots.add(slot);
        slotShapes.add(p.shape());
        return slot;
    }

    /**
     * Binds the optimizer to {@code parameters} and creates its state (Keras's {@code build}); the
     * first step does this itself. Binding again to the same list does nothing.
     */
    public final void build(List<Parameter> parameters) {
        if (bound == parameters || bound != null && bound.equals(parameters)) {
            return;
        }
        if (bound != null) {
            throw otherWeights();
        }
        bound = parameters;
        createSlots(parameters);
    }

    private IllegalStateException otherWeights() {
        return new IllegalStateException("this " + getClass().getSimpleName() + " was built for other weights: another model's, "
                + "or this model's before a layer was frozen or unfrozen; give each model its own optimizer, and after "
                + "setTrainable compile the model again with a new one, as Keras requires");
    }

    private static double norm(float[] g) {
        double sum = 0;
        for (float x : g) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    private static void scale(float[] g, float factor) {
        if (factor == 1f) {
            return;
        }
        for (int i = 0; i < g.length; i++) {
            g[i] *= factor;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // State

    /** Whether the optimizer has bound to a model's weights and created its state. */
    public final boolean isBuilt() {
        return bound != null;
    }

    /** Number of steps applied so far (Keras's {@code iterations}). */
    public final long iterations() {
        return iterations;
    }

    /** The learning rate of the last step (or of the first, before it). */
    public final float learningRate() {
        return learningRate;
    }

    /**
     * Sets the learning rate, as Keras callbacks do ({@code ReduceLROnPlateau},
     * {@code LearningRateScheduler}); not with a schedule, which sets it itself.
     */
    public final void setLearningRate(double learningRate) {
        if (schedule != null) {
            throw new IllegalStateException("this optimizer's learning rate follows a schedule; it cannot also be set");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive, received " + learningRate);
        }
        this.learningRate = (float) learningRate;
    }

    /** Keras's default name of this optimizer, as in a model file: {@code adam}, {@code SGD}. */
    public abstract String kerasName();

    /**
     * Copies of the state variables, each shaped like its weight, in Keras's order of
     * {@code optimizer.variables} after {@code iterations} and {@code learning_rate} (Adam: the
     * momentum and velocity of each weight in turn, then the velocity maxima with amsgrad). Empty
     * before the optimizer is built.
     */
    public final List<Tensor> slotVariables() {
        List<Tensor> copies = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            copies.add(Tensor.of(slots.get(i), slotShapes.get(i).dims()));
        }
        return copies;
    }

    /**
     * Takes up saved state (a model file's): the iteration count, the learning rate (ignored with a
     * schedule) and the values of {@link #slotVariables()} in that order, each checked for size. The
     * optimizer must be built; the next step continues where the saved one stopped.
     */
    public final void setState(long iterations, float learningRate, List<float[]> values) {
        if (bound == null) {
            throw new IllegalStateException("build the optimizer on the model's weights before setting its state");
        }
        if (values.size() != slots.size()) {
            throw new IllegalArgumentException(kerasName() + " holds " + slots.size() + " state variables, received " + values.size());
        }
        for (int i = 0; i < slots.size(); i++) {
            if (values.get(i).length != slots.get(i).length) {
                throw new IllegalArgumentException(kerasName() + " state variable " + i + " has " + slots.get(i).length
                        + " values, received " + values.get(i).length);
            }
        }
        for (int i = 0; i < slots.size(); i++) {
            System.arraycopy(values.get(i), 0, slots.get(i), 0, slots.get(i).length);
        }
        this.iterations = iterations;
        if (schedule == null) {
            setLearningRate(learningRate);
        }
    }

    /** The live state arrays, in Keras's order (for tests of the kernels' subnormal flushing). */
    final List<float[]> slots() {
        return slots;
    }
}
