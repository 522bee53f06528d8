package dev.jeras.optimizers;

import java.util.List;

import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Parameter;
import dev.jeras.optimizers.schedules.LearningRateSchedule;

/**
 * Adam with Keras's defaults (learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7) and its
 * epsilon-hat form: the bias correction goes into the step size,
 * {@code lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)}, and epsilon is added to {@code sqrt(v)}
 * (keras/src/optimizers/adam.py). With {@code amsgrad} the maximum of v so far divides instead.
 */
public sealed class Adam extends Optimizer permits AdamW {

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    /** The hyper-parameters as given, for the model file (Keras writes 0.9, not 0.9f's 0.8999999761581421). */
    private final double beta1Given;
    private final double beta2Given;
    private final double epsilonGiven;
    private final boolean amsgrad;
    private float[][] m;
    private float[][] v;
    private float[][] vHat;

    /** Adam with Keras's defaults. */
    public Adam() {
        this(0.001);
    }

    /** Adam with the given learning rate and Keras's other defaults. */
    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7);
    }

    /** Adam with every hyper-parameter given. */
    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        this(learningRate, beta1, beta2, epsilon, false);
    }

    /** Adam with every hyper-parameter given, AMSGrad's variant when {@code amsgrad}. */
    public Adam(double learningRate, double beta1, double beta2, double epsilon, boolean amsgrad) {
        this(learningRate, null, beta1, beta2, epsilon, amsgrad);
    }

    /** Adam on a scheduled learning rate, Keras's defaults otherwise. */
    public Adam(LearningRateSchedule schedule) {
        this(schedule, 0.9, 0.999, 1e-7, false);
    }

    /** Adam on a scheduled learning rate with every other hyper-parameter given. */
    public Adam(LearningRateSchedule schedule, double beta1, double beta2, double epsilon, boolean amsgrad) {
        this(0, required(schedule, "Adam"), beta1, beta2, epsilon, amsgrad);
    }

    private Adam(double learningRate, LearningRateSchedule schedule, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(learningRate, schedule, "Adam");
        checkBetas(beta1, beta2, epsilon);
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        this.beta1Given = beta1;
        this.beta2Given = beta2;
        this.epsilonGiven = epsilon;
        this.amsgrad = amsgrad;
    }

    private static void checkBetas(double beta1, double beta2, double epsilon) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), received beta1=" + beta1 + ", beta2=" + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("Adam epsilon must be positive, received " + epsilon);
        }
    }

    /** The decay of the first moment, as given. */
    public double beta1() {
        return beta1Given;
    }

    /** The decay of the second moment, as given. */
    public double beta2() {
        return beta2Given;
    }

    /** The term added to the root of the second moment, as given. */
    public double epsilon() {
        return epsilonGiven;
    }

    /** Whether this is AMSGrad. */
    public boolean amsgrad() {
        return amsgrad;
    }

    @Override
    public String kerasName() {
        return "adam";
    }

    /** Keras's order: momentum then velocity of each weight in turn, then every velocity maximum (amsgrad). */
    @Override
    void createSlots(List<Parameter> parameters) {
        int n = parameters.size();
        m = new float[n][];
        v = new float[n][];
        vHat = new float[n][];
        for (int i = 0; i < n; i++) {
            m[i] = addSlot(parameters.get(i), 0f);
            v[i] = addSlot(parameters.get(i), 0f);
        }
        for (int i = 0; amsgrad && i < n; i++) {
            vHat[i] = addSlot(parameters.get(i), 0f);
        }
    }

    @Override
    void update(Kernels kernels, int i, Parameter p, float lr, long t) {
        double correction = Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        float alpha = (float) (lr * correction);
        if (amsgrad) {
            kernels.adamAmsgrad(p.value().array(), p.gradient().array(), m[i], v[i], vHat[i], p.size(), alpha, beta1, beta2, epsilon);
        } else {
            kernels.adam(p.value().array(), p.gradient().array(), m[i], v[i], p.size(), alpha, beta1, beta2, epsilon);
        }
    }

    /** The first (0) or second (1) moments, one array per parameter, or null before the first step. */
    float[][] moments(int which) {
        return which == 0 ? m : v;
    }
}
