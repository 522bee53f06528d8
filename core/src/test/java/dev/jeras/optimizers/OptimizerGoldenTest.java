package dev.jeras.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jeras.Shape;
import dev.jeras.kernels.Kernels;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.kernels.SimdKernels;
import dev.jeras.layers.Parameter;
import dev.jeras.optimizers.schedules.CosineDecay;
import dev.jeras.optimizers.schedules.ExponentialDecay;
import dev.jeras.optimizers.schedules.PiecewiseConstantDecay;

/**
 * Keras's {@code test_correctness_with_golden} for each optimizer (keras/src/optimizers/*_test.py):
 * x = ones(10), one step with gradients 0.01, then steps with gradients 0.1, 0.2, ..., 1.0; after each
 * of the first five steps x must match Keras's golden rows within Keras's own tolerance (5e-4). On
 * the scalar oracle and the SIMD kernels.
 */
class OptimizerGoldenTest {

    static List<Kernels> kernels() {
        return List.of(new ScalarKernels(), new SimdKernels());
    }

    private static void assertGolden(Kernels kernels, Supplier<Optimizer> make, double[][] golden) {
        Parameter x = Parameter.of("x", Shape.of(10));
        java.util.Arrays.fill(x.value().array(), 1f);
        Optimizer optimizer = make.get();
        List<Parameter> params = List.of(x);
        java.util.Arrays.fill(x.gradient().array(), 0.01f);
        optimizer.step(kernels, params);
        for (int i = 0; i < 5; i++) {
            float[] expected = new float[10];
            for (int j = 0; j < 10; j++) {
                expected[j] = (float) golden[i][golden[i].length == 1 ? 0 : j];
            }
            assertThat(x.value().toArray()).as(kernels.name() + " step " + (i + 1)).containsExactly(expected, offset(5e-4f + 5e-4f));
            for (int j = 0; j < 10; j++) {
                x.gradient().array()[j] = 0.1f * (j + 1);
            }
            optimizer.step(kernels, params);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void sgdNesterovGolden(Kernels kernels) {
        // sgd_test.py: SGD(nesterov=True), momentum 0 (Keras's default), so plain steps of lr 0.01.
        assertGolden(kernels, () -> new SGD(0.01, 0, true), new double[][] {
            {0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999},
            {0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899},
            {0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799},
            {0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699},
            {0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599}});
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void rmspropCenteredGolden(Kernels kernels) {
        // rmsprop_test.py: RMSprop(centered=True).
        assertGolden(kernels, () -> new RMSprop(0.001, 0.9, 0, 1e-7, true),
                new double[][] {{0.9967}, {0.9933}, {0.9908}, {0.9885}, {0.9864}});
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void adagradGolden(Kernels kernels) {
        // adagrad_test.py: Adagrad(learning_rate=0.2, initial_accumulator_value=0.3, epsilon=1e-6).
        assertGolden(kernels, () -> new Adagrad(0.2, 0.3, 1e-6), new double[][] {
            {0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963},
            {0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209},
            {0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891},
            {0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579},
            {0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825}});
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void adamWGolden(Kernels kernels) {
        // adamw_test.py: AdamW(learning_rate=1.0, weight_decay=0.5, epsilon=2).
        assertGolden(kernels, () -> new AdamW(1.0, 0.5, 0.9, 0.999, 2, false), new double[][] {
            {0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998},
            {0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382},
            {0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003},
            {0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258},
            {0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159}});
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void adamAmsgradGolden(Kernels kernels) {
        // adam_test.py: Adam(amsgrad=True).
        assertGolden(kernels, () -> new Adam(0.001, 0.9, 0.999, 1e-7, true),
                new double[][] {{0.999}, {0.9982}, {0.9974}, {0.9965}, {0.9955}});
    }

    @Test
    void sgdWithMomentumFollowsKerasFormula() {
        // Keras: m = momentum * m - lr * g; w += m (Nesterov: w += momentum * m - lr * g).
        for (boolean nesterov : new boolean[] {false, true}) {
            Parameter p = Parameter.of("w", Shape.of(1));
            p.value().array()[0] = 1f;
            SGD sgd = new SGD(0.1, 0.9, nesterov);
            double w = 1;
            double m = 0;
            for (int step = 0; step < 4; step++) {
                double g = 0.5 * (step + 1);
                p.gradient().array()[0] = (float) g;
                sgd.step(new SimdKernels(), List.of(p));
                m = 0.9 * m - 0.1 * g;
                w += nesterov ? 0.9 * m - 0.1 * g : m;
            }
            assertThat(p.value().array()[0]).as("nesterov=" + nesterov).isCloseTo((float) w, offset(1e-6f));
        }
    }

    @Test
    void clippingAsKerasTests() {
        // optimizer tests test_clip_norm and test_clip_value: grads [100, 100].
        Parameter p = Parameter.of("w", Shape.of(2));
        p.gradient().array()[0] = 100;
        p.gradient().array()[1] = 100;
        new SGD(1.0).clipnorm(1).step(new ScalarKernels(), List.of(p));
        float half = (float) (Math.sqrt(2) / 2);
        assertThat(p.value().toArray()).containsExactly(new float[] {-half, -half}, offset(1e-6f));

        Parameter q = Parameter.of("w", Shape.of(2));
        q.gradient().array()[0] = 100;
        q.gradient().array()[1] = -3;
        new SGD(1.0).clipvalue(1).step(new ScalarKernels(), List.of(q));
        assertThat(q.value().toArray()).containsExactly(-1f, 1f);

        // global_clipnorm: two weights of norm 3 and 4 together have norm 5; clipped to 1 each shrinks by 5.
        Parameter a = Parameter.of("a", Shape.of(1));
        Parameter b = Parameter.of("b", Shape.of(1));
        a.gradient().array()[0] = 3;
        b.gradient().array()[0] = 4;
        new SGD(1.0).globalClipnorm(1).step(new ScalarKernels(), List.of(a, b));
        assertThat(a.value().array()[0]).isCloseTo(-0.6f, offset(1e-6f));
        assertThat(b.value().array()[0]).isCloseTo(-0.8f, offset(1e-6f));

        assertThatThrownBy(() -> new SGD().clipnorm(1).clipvalue(1)).hasMessageContaining("only one of clipnorm, clipvalue");
    }

    /** Decoupled weight decay alone (zero gradients) shrinks a weight geometrically; it goes to zero, never subnormal. */
    @Test
    void weightDecayLeavesNoSubnormalWeight() {
        Parameter p = Parameter.of("w", Shape.of(3));
        p.value().array()[0] = 4 * Float.MIN_NORMAL;
        p.value().array()[1] = -2 * Float.MIN_NORMAL;
        p.value().array()[2] = 0.5f;
        SGD sgd = new SGD(0.5);
        sgd.weightDecay(0.9);
        for (int step = 0; step < 40; step++) {
            sgd.step(new ScalarKernels(), List.of(p));
            for (float w : p.value().array()) {
                assertThat(w == 0f || Math.abs(w) >= Float.MIN_NORMAL).as("step %d: %s is not subnormal", step, w).isTrue();
            }
        }
        assertThat(p.value().array()[0]).isEqualTo(0f);
        assertThat(p.value().array()[2]).isPositive();
    }

    @Test
    void schedulesFollowKerasFormulas() {
        // ExponentialDecay: initial * rate ^ (step / decay_steps), floored with staircase.
        assertThat(new ExponentialDecay(0.1, 10, 0.5).at(15)).isCloseTo(0.1 * Math.pow(0.5, 1.5), offset(1e-12));
        assertThat(new ExponentialDecay(0.1, 10, 0.5, true).at(15)).isCloseTo(0.05, offset(1e-12));
        // CosineDecay: initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay) / decay)) + alpha).
        assertThat(new CosineDecay(0.1, 100).at(50)).isCloseTo(0.05, offset(1e-12));
        assertThat(new CosineDecay(0.1, 100, 0.1).at(100)).isCloseTo(0.01, offset(1e-12));
        assertThat(new CosineDecay(0.1, 100, 0.1).at(500)).as("held after decay_steps").isCloseTo(0.01, offset(1e-12));
        assertThat(new CosineDecay(0.1, 100).at(25)).isCloseTo(0.1 * 0.5 * (1 + Math.cos(Math.PI / 4)), offset(1e-12));
        // With warm-up (Keras 3): linear from initial to the target over warmup_steps, then the decay from the
        // target over decay_steps more, alpha a fraction of the target; warmup_steps is ignored without a target.
        CosineDecay warm = new CosineDecay(0, 1000, 0.1, 0.1, 1000);
        assertThat(warm.at(0)).isEqualTo(0);
        assertThat(warm.at(250)).isCloseTo(0.025, offset(1e-12));
        assertThat(warm.at(1000)).isCloseTo(0.1, offset(1e-12));
        assertThat(warm.at(1500)).isCloseTo(0.1 * (0.9 * 0.5 + 0.1), offset(1e-12));
        assertThat(warm.at(2000)).isCloseTo(0.01, offset(1e-12));
        assertThat(warm.at(9000)).as("held after warm-up and decay").isCloseTo(0.01, offset(1e-12));
        assertThat(new CosineDecay(0.5, 100, 0, 0.2, 0).at(0)).as("no warm-up steps: the decay starts from the target").isCloseTo(0.2, offset(1e-12));
        assertThat(new CosineDecay(0.1, 100, 0, null, 50).at(50)).as("no target: warmup_steps is ignored").isCloseTo(0.05, offset(1e-12));
        assertThatThrownBy(() -> new CosineDecay(0, 100)).hasMessageContaining("a positive initial rate");
        assertThatThrownBy(() -> new CosineDecay(0.1, 100, 0, 0.1, -1)).hasMessageContaining("warm-up steps of at least 0");
        // PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]): step <= 10 -> 1.0, <= 20 -> 0.5, else 0.1 (Keras's boundaries are inclusive).
        PiecewiseConstantDecay p = new PiecewiseConstantDecay(new long[] {10, 20}, new double[] {1.0, 0.5, 0.1});
        assertThat(p.at(0)).isEqualTo(1.0);
        assertThat(p.at(10)).isEqualTo(1.0);
        assertThat(p.at(11)).isEqualTo(0.5);
        assertThat(p.at(20)).isEqualTo(0.5);
        assertThat(p.at(21)).isEqualTo(0.1);

        // An optimizer reads its schedule at the iteration count before the step: step t uses lr(t - 1).
        Parameter w = Parameter.of("w", Shape.of(1));
        SGD sgd = new SGD(new ExponentialDecay(1.0, 1, 0.5), 0, false);
        double expected = 0;
        for (int t = 0; t < 4; t++) {
            w.gradient().array()[0] = 1f;
            sgd.step(new ScalarKernels(), List.of(w));
            expected -= Math.pow(0.5, t);
        }
        assertThat(w.value().array()[0]).isCloseTo((float) expected, offset(1e-6f));
        assertThat(sgd.iterations()).isEqualTo(4);
    }
}
