package dev.jeras.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keras's callback messages print learning rates as Python's repr(float) does. */
class PythonReprTest {

    @Test
    void numbersAsPythonPrintsThem() {
        assertThat(BaseCallback.pythonRepr(0.1)).isEqualTo("0.1");
        assertThat(BaseCallback.pythonRepr(2.0)).isEqualTo("2.0");
        assertThat(BaseCallback.pythonRepr(0.00078125)).isEqualTo("0.00078125");
        assertThat(BaseCallback.pythonRepr(1e-4)).isEqualTo("0.0001");
        assertThat(BaseCallback.pythonRepr(1e-5)).isEqualTo("1e-05");
        assertThat(BaseCallback.pythonRepr(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(BaseCallback.pythonRepr(-2.5e-12)).isEqualTo("-2.5e-12");
        assertThat(BaseCallback.pythonRepr(1e16)).isEqualTo("1e+16");
        // float(np.float32(0.01)) * 0.5, as ReduceLROnPlateau computes it from a float32 learning rate.
        assertThat(BaseCallback.pythonRepr((double) 0.01f * 0.5)).isEqualTo("0.004999999888241291");
    }
}
