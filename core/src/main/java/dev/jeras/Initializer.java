package dev.jeras;

import java.util.random.RandomGenerator;

/**
 * Fills a new weight, as Keras's initializers do: {@link #glorotUniform()} for kernels (Keras's
 * default) and {@link #zeros()} for biases. A user's layer passes one to
 * {@link Layer#addWeight(String, Shape, Initializer, boolean)}.
 */
@FunctionalInterface
public interface Initializer {

    /** Writes the initial values of a weight of {@code shape} into {@code values} (zeros on entry). */
    void initialize(float[] values, Shape shape, RandomGenerator rng);

    /**
     * Keras's {@code glorot_uniform}: U(-limit, limit) with {@code limit = sqrt(6 / (fanIn + fanOut))};
     * for a rank-2 kernel (inputs, units) fanIn is the inputs and fanOut the units, and for other ranks
     * the receptive field multiplies both, as in Keras's {@code compute_fans}.
     */
    static Initializer glorotUniform() {
        return Builtin.GLOROT_UNIFORM;
    }

    /** Keras's {@code zeros}. */
    static Initializer zeros() {
        return Builtin.ZEROS;
    }

    /** Keras's {@code ones}. */
    static Initializer ones() {
        return Builtin.ONES;
    }

    /** The initializers Keras names; a model file refers to them by Keras's class name. */
    enum Builtin implements Initializer {
        GLOROT_UNIFORM("GlorotUniform") {
            @Override
            public void initialize(float[] values, Shape shape, RandomGenerator rng) {
                double[] fans = fans(shape);
                double limit = Math.sqrt(6.0 / (fans[0] + fans[1]));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) rng.nextDouble(-limit, limit);
                }
            }
        },
        ZEROS("Zeros") {
            @Override
            public void initialize(float[] values, Shape shape, RandomGenerator rng) {
                java.util.Arrays.fill(values, 0f);
            }
        },
        ONES("Ones") {
            @Override
            public void initialize(float[] values, Shape shape, RandomGenerator rng) {
                java.util.Arrays.fill(values, 1f);
            }
        };

        private final String kerasClass;

        Builtin(String kerasClass) {
            this.kerasClass = kerasClass;
        }

        /** Keras's class name, as in a model's config: {@code GlorotUniform}. */
        public String kerasClass() {
            return kerasClass;
        }
    }

    /** (fanIn, fanOut) of a weight shape, as keras/src/initializers/random_initializers.py computes them. */
    private static double[] fans(Shape shape) {
        int rank = shape.rank();
        if (rank == 0) {
            return new double[] {1, 1};
        }
        if (rank == 1) {
            return new double[] {shape.dim(0), shape.dim(0)};
        }
        double receptive = 1;
        for (int d = 0; d < rank - 2; d++) {
            receptive *= shape.dim(d);
        }
        return new double[] {shape.dim(rank - 2) * receptive, shape.dim(rank - 1) * receptive};
    }
}
