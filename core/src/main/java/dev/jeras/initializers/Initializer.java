package dev.jeras.initializers;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;

/**
 * Fills a new weight, as Keras's initializers do: {@link #glorotUniform()} for kernels (Keras's
 * default) and {@link #zeros()} for biases, and Keras's other variance-scaling initializers
 * ({@link #glorotNormal()}, {@link #heNormal()}, {@link #heUniform()}). A user's layer passes one to
 * {@code Layer.addWeight}; any lambda will do for a layer of one's own.
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

    /** Keras's {@code glorot_normal}: a normal truncated at 2 sigma, {@code stddev = sqrt(2 / (fanIn + fanOut)) / 0.8796}. */
    static Initializer glorotNormal() {
        return Builtin.GLOROT_NORMAL;
    }

    /** Keras's {@code he_normal}: a normal truncated at 2 sigma, {@code stddev = sqrt(2 / fanIn) / 0.8796}. */
    static Initializer heNormal() {
        return Builtin.HE_NORMAL;
    }

    /** Keras's {@code he_uniform}: U(-limit, limit) with {@code limit = sqrt(6 / fanIn)}. */
    static Initializer heUniform() {
        return Builtin.HE_UNIFORM;
    }

    /** The initializer Keras calls {@code name} ({@code "glorot_uniform"} or {@code "GlorotUniform"}), or an error listing them. */
    static Initializer byName(String name) {
        for (Builtin b : Builtin.values()) {
            if (b.kerasClass().equals(name) || b.kerasName().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("initializer '" + name + "' is not one jeras has; it has "
                + java.util.Arrays.stream(Builtin.values()).map(Builtin::kerasName).toList());
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
        GLOROT_NORMAL("GlorotNormal") {
            @Override
            public void initialize(float[] values, Shape shape, RandomGenerator rng) {
                double[] fans = fans(shape);
                truncatedNormal(values, Math.sqrt(2.0 / (fans[0] + fans[1])) / TRUNCATION_STDDEV, rng);
            }
        },
        HE_NORMAL("HeNormal") {
            @Override
            public void initialize(float[] values, Shape shape, RandomGenerator rng) {
                truncatedNormal(values, Math.sqrt(2.0 / fans(shape)[0]) / TRUNCATION_STDDEV, rng);
            }
        },
        HE_UNIFORM("HeUniform") {
            @Override
            public void initialize(float[] values, Shape shape, RandomGenerator rng) {
                double limit = Math.sqrt(6.0 / fans(shape)[0]);
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

        /** Keras's string name: {@code glorot_uniform}. */
        public String kerasName() {
            return kerasClass.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The standard deviation of a unit normal truncated at 2 sigma, by which Keras divides to keep the variance. */
    double TRUNCATION_STDDEV = 0.87962566103423978;

    /** Normal values of {@code stddev} redrawn until within 2 standard deviations, as Keras's truncated normal. */
    private static void truncatedNormal(float[] values, double stddev, RandomGenerator rng) {
        for (int i = 0; i < values.length; i++) {
            double g;
            do {
                g = rng.nextGaussian();
            } while (Math.abs(g) > 2);
            values[i] = (float) (g * stddev);
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
