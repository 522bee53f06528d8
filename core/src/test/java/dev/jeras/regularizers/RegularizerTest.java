package dev.jeras.regularizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The penalties against Keras's formulas, and their gradients against central differences. */
class RegularizerTest {

    @Test
    void penaltiesAsKeras() {
        float[] w = {1, -2, 0.5f};
        // L1(0.01): 0.01 * sum|w| = 0.035; L2(0.01): 0.01 * sum w^2 = 0.0525; L1L2 adds both.
        assertThat(Regularizer.l1(0.01).loss(w)).isCloseTo(0.035, offset(1e-12));
        assertThat(Regularizer.l2(0.01).loss(w)).isCloseTo(0.0525, offset(1e-12));
        assertThat(Regularizer.l1l2(0.01, 0.01).loss(w)).isCloseTo(0.0875, offset(1e-12));
        assertThat(Regularizer.l1l2(0.01, 0.02).kerasClass()).isEqualTo("L1L2");
        assertThatThrownBy(() -> Regularizer.l2(-1)).hasMessageContaining("not negative");
    }

    @Test
    void gradientsMatchCentralDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] w = new float[20];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextDouble(-1, 1);
            if (Math.abs(w[i]) < 0.05f) {
                w[i] += 0.1f; // away from L1's kink at 0
            }
        }
        for (Regularizer r : new Regularizer[] {Regularizer.l1(0.3), Regularizer.l2(0.7), Regularizer.l1l2(0.2, 0.5)}) {
            float[] grad = new float[w.length];
            r.addGradient(w, grad);
            for (int i = 0; i < w.length; i++) {
                float saved = w[i];
                w[i] = saved + 1e-3f;
                double plus = r.loss(w);
                w[i] = saved - 1e-3f;
                double minus = r.loss(w);
                w[i] = saved;
                assertThat((double) grad[i]).as(r + " gradient " + i).isCloseTo((plus - minus) / 2e-3, offset(2e-3));
            }
        }
    }
}
