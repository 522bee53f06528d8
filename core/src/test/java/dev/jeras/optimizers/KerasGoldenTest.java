package dev.jeras.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.kernels.Kernels;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.kernels.SimdKernels;
import dev.jeras.layers.Parameter;
import dev.jeras.losses.SparseCategoricalCrossentropy;

/** Numbers Keras documents or tests, reproduced. */
class KerasGoldenTest {

    /** keras.losses.SparseCategoricalCrossentropy's docstring: y_true [1, 2] against these probabilities is 1.177. */
    @Test
    void sparseCategoricalCrossentropyDocstringExample() {
        UInt8Tensor yTrue = UInt8Tensor.wrap(new byte[] {1, 2}, 2);
        Tensor yPred = Tensor.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3);
        float loss = new SparseCategoricalCrossentropy().call(yTrue, yPred);
        assertThat(loss).isCloseTo(1.177f, offset(5e-4f));
    }

    /** From logits the untrained quickstart loss is about -log(1/10); uniform logits give exactly that. */
    @Test
    void uniformLogitsGiveLogOfTheClassCount() {
        UInt8Tensor yTrue = UInt8Tensor.wrap(new byte[] {3}, 1);
        Tensor logits = Tensor.zeros(1, 10);
        assertThat(new SparseCategoricalCrossentropy(true).call(yTrue, logits)).isCloseTo((float) Math.log(10), offset(1e-6f));
    }

    /** keras/src/optimizers/adam_test.py test_single_step: lr 0.5, grads [1, 6, 7, 2] take [1, 2, 3, 4] to [0.5, 1.5, 2.5, 3.5]. */
    @Test
    void adamSingleStep() {
        for (Kernels kernels : List.of(new ScalarKernels(), new SimdKernels())) {
            Parameter p = Parameter.of("x", Shape.of(4));
            System.arraycopy(new float[] {1, 2, 3, 4}, 0, p.value().array(), 0, 4);
            System.arraycopy(new float[] {1, 6, 7, 2}, 0, p.gradient().array(), 0, 4);
            new Adam(0.5).step(kernels, List.of(p));
            assertThat(p.value().toArray()).as(kernels.name())
                    .containsExactly(new float[] {0.5f, 1.5f, 2.5f, 3.5f}, offset(1e-4f));
        }
    }

    /** keras/src/optimizers/sgd_test.py test_single_step: lr 0.5, grads [1, 6, 7, 2] take [1, 2, 3, 4] to [0.5, -1, -0.5, 3]. */
    @Test
    void sgdSingleStep() {
        Parameter p = Parameter.of("x", Shape.of(4));
        System.arraycopy(new float[] {1, 2, 3, 4}, 0, p.value().array(), 0, 4);
        System.arraycopy(new float[] {1, 6, 7, 2}, 0, p.gradient().array(), 0, 4);
        new SGD(0.5).step(new SimdKernels(), List.of(p));
        assertThat(p.value().toArray()).containsExactly(new float[] {0.5f, -1f, -0.5f, 3f}, offset(1e-6f));
    }

    @Test
    void adamKeepsKerasDefaults() {
        Parameter p = Parameter.of("x", Shape.of(1));
        p.value().array()[0] = 1f;
        p.gradient().array()[0] = 3f;
        Adam adam = new Adam();
        adam.step(new ScalarKernels(), List.of(p));
        // At t = 1 every Adam step has magnitude lr (here 0.001), up to epsilon.
        assertThat(p.value().array()[0]).isCloseTo(1f - 0.001f, offset(1e-7f));
        assertThat(adam.iterations()).isEqualTo(1);
    }
}
