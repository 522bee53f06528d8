package dev.jeras.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

import dev.jeras.Tensor;
import dev.jeras.datasets.NumPy;
import dev.jeras.models.Sequential;

/** The files Keras 3.15.1 wrote load, and predict as Keras does. */
class ReferenceFilesTest {

    @Test
    void quickstartPredictsKerasLogits() throws Exception {
        Sequential model = Sequential.load(Reference.file("quickstart.keras"));
        Tensor inputs = NumPy.loadFloat32(Reference.file("inputs.npy"));
        Tensor expected = NumPy.loadFloat32(Reference.file("expected_logits.npy"));
        Tensor logits = model.predict(inputs);
        assertThat(logits.shape()).isEqualTo(expected.shape());
        assertThat(logits.toArray()).containsExactly(expected.toArray(), offset(1e-5f));
    }
}
