package dev.jeras;

import java.util.ArrayList;
import java.util.List;

import dev.jeras.kernels.Kernels;

/**
 * Adam with Keras's defaults (learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7) and its
 * epsilon-hat form: the bias correction goes into the step size,
 * {@code lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)}, and epsilon is added to {@code sqrt(v)}
 * (keras/src/optimizers/adam.py).
 */
public final class Adam extends Optimizer {

    private float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    /** The hyper-parameters as given, for the model file (Keras writes 0.9, not 0.9f's 0.8999999761581421). */
    private final double beta1Given;
    private final double beta2Given;
    private final double epsilonGiven;
    private List<Parameter> bound;
    private float[][] m;
    private float[][] v;
    private long iterations;

    /** Adam with Keras's defaults. */
    public Adam() {
        this(0.001, 0.9, 0.999, 1e-7);
    }

    /** Adam with the given learning rate and Keras's other defaults. */
    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7);
    }

    /** Adam with every hyper-parameter given. */
    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("Adam learning rate must be positive, received " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), received beta1=" + beta1 + ", beta2=" + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("Adam epsilon must be positive, received " + epsilon);
        }
        this.learningRate = (float) learningRate;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        this.beta1Given = beta1;
        this.beta2Given = beta2;
        this.epsilonGiven = epsilon;
    }

    @Override
    void step(Kernels kernels, List<Parameter> parameters) {
        if (bound == null) {
            bind(parameters);
        } else if (bound != parameters) {
            throw new IllegalStateException("this Adam already trains another model's parameters; give each model its own optimizer");
        }
        iterations++;
        double correction = Math.sqrt(1 - Math.pow(beta2, iterations)) / (1 - Math.pow(beta1, iterations));
        float lr = (float) (learningRate * correction);
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            kernels.adam(p.value().array(), p.gradient().array(), m[i], v[i], p.size(), lr, beta1, beta2, epsilon);
        }
    }

    private void bind(List<Parameter> parameters) {
        bound = parameters;
        m = new float[parameters.size()][];
        v = new float[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            m[i] = new float[parameters.get(i).size()];
            v[i] = new float[parameters.get(i).size()];
        }
    }

    /** The first (0) or second (1) moments, one array per parameter, or null before the first step. */
    float[][] moments(int which) {
        return which == 0 ? m : v;
    }

    @Override
    public long iterations() {
        return iterations;
    }

    @Override
    public float learningRate() {
        return learningRate;
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

    @Override
    String kerasName() {
        return "adam";
    }

    @Override
    int slotsPerParameter() {
        return 2;
    }

    @Override
    List<float[]> slots() {
        List<float[]> slots = new ArrayList<>();
        for (int i = 0; m != null && i < m.length; i++) {
            slots.add(m[i]);
            slots.add(v[i]);
        }
        return slots;
    }

    @Override
    Shape slotShape(int i) {
        return bound.get(i / 2).shape();
    }

    @Override
    void restore(List<Parameter> parameters, long iterations, float learningRate, List<float[]> slots) {
        bind(parameters);
        for (int i = 0; i < parameters.size(); i++) {
            System.arraycopy(slots.get(2 * i), 0, m[i], 0, m[i].length);
            System.arraycopy(slots.get(2 * i + 1), 0, v[i], 0, v[i].length);
        }
        this.iterations = iterations;
        this.learningRate = learningRate;
    }
}
