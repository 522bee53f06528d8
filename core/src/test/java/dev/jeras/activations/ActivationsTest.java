package dev.jeras.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

import dev.jeras.Tensor;
import dev.jeras.layers.ActivationLayer;

/** Each activation against Keras's formula (keras/src/activations/activations.py), written beside it. */
class ActivationsTest {

    private static final double[] Z = {-3, -2, -0.5, -1e-3, 0, 1e-3, 0.5, 2, 3, 12};

    private static void assertFormula(String name, java.util.function.DoubleUnaryOperator keras) {
        Activation a = Activation.byName(name);
        assertThat(a.kerasName()).isEqualTo(name);
        for (double z : Z) {
            assertThat((double) a.apply((float) z)).as(name + "(" + z + ")").isCloseTo(keras.applyAsDouble(z), offset(2e-6 * Math.max(1, Math.abs(z))));
        }
    }

    @Test
    void elementwiseActivationsAreKeras() {
        assertFormula("linear", z -> z);
        assertFormula("relu", z -> Math.max(z, 0));
        assertFormula("sigmoid", z -> 1 / (1 + Math.exp(-z)));
        assertFormula("tanh", Math::tanh);
        // gelu(x, approximate=False) = 0.5 x (1 + erf(x / sqrt 2)); erf by its series to 1e-12.
        assertFormula("gelu", z -> 0.5 * z * (1 + erf(z / Math.sqrt(2))));
        assertFormula("silu", z -> z / (1 + Math.exp(-z)));
        assertFormula("leaky_relu", z -> z >= 0 ? z : 0.2 * z); // Keras's default negative_slope 0.2
        assertFormula("elu", z -> z > 0 ? z : Math.exp(z) - 1); // alpha 1
        assertFormula("softplus", z -> Math.log1p(Math.exp(z)));
    }

    /** erf by its Maclaurin series, enough terms for |x| <= 3 / sqrt 2 to 1e-12, and 1 beyond 8. */
    private static double erf(double x) {
        if (Math.abs(x) > 6) {
            return Math.signum(x);
        }
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void softmaxIsOverTheLastAxisAndMaxShifted() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 1000, 1000, 990}, 2, 3);
        float[] y = new ActivationLayer(Activation.SOFTMAX).apply(x).toArray();
        double e = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertThat(y[0]).isCloseTo((float) (Math.exp(1) / e), offset(1e-6f));
        assertThat(y[2]).isCloseTo((float) (Math.exp(3) / e), offset(1e-6f));
        // Large logits: exp(1000) overflows unless the row's max is subtracted first, as Keras does.
        double big = 2 + Math.exp(-10);
        assertThat(y[3]).isCloseTo((float) (1 / big), offset(1e-6f));
        assertThat(y[5]).isCloseTo((float) (Math.exp(-10) / big), offset(1e-9f));
    }

    @Test
    void unknownNamesAreNamed() {
        assertThatThrownBy(() -> Activation.byName("swish2")).hasMessageContaining("swish2").hasMessageContaining("gelu");
    }
}
