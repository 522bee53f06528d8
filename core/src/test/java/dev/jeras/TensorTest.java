package dev.jeras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.jeras.activations.Activation;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Flatten;
import dev.jeras.models.Sequential;

class TensorTest {

    @Test
    void rowsAreViewsThatShareStorage() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 2, 2);
        Tensor mid = t.rows(1, 3);
        assertThat(mid.shape()).isEqualTo(Shape.of(2, 2, 2));
        assertThat(mid.get(0, 0, 0)).isEqualTo(4f);
        assertThat(mid.reshape(2, 4).get(1, 3)).isEqualTo(11f);
        t.array()[4] = 40f;
        assertThat(mid.get(0, 0, 0)).isEqualTo(40f);
        assertThat(t.rows(3, 3).rows()).isZero();
    }

    @Test
    void badIndicesAndShapesAreRejectedWithTheNumbers() {
        Tensor t = Tensor.zeros(3, 4);
        assertThatThrownBy(() -> t.rows(2, 5)).hasMessageContaining("rows [2, 5) are outside a tensor of 3 rows");
        assertThatThrownBy(() -> t.reshape(5, 2)).hasMessageContaining("cannot reshape (3, 4) (12 elements) to (5, 2) (10 elements)");
        assertThatThrownBy(() -> t.get(3, 0)).hasMessageContaining("index [3, 0] is outside shape (3, 4)");
        assertThatThrownBy(() -> t.get(1)).hasMessageContaining("expected 2 indices");
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3)).hasMessageContaining("needs 6 values, received 5");
        assertThatThrownBy(() -> Tensor.zeros(2, -1)).hasMessageContaining("must not be negative");
    }

    @Test
    void printsLikeNumpy() {
        assertThat(Tensor.of(new float[] {0.5f, -1f, 2f, 0f}, 2, 2).toString())
                .isEqualTo("[[ 0.50000000 -1.00000000]\n [ 2.00000000  0.00000000]]");
        String big = Tensor.zeros(2000).toString();
        assertThat(big).startsWith("[ 0.00000000  0.00000000  0.00000000 ... ").hasSizeLessThan(100);
        assertThat(Shape.of(10).toString()).isEqualTo("(10,)");
        assertThat(Shape.of(128).toBatchString()).isEqualTo("(None, 128)");
    }

    @Test
    void uint8TensorsScaleToFloats() {
        UInt8Tensor images = UInt8Tensor.wrap(new byte[] {0, (byte) 255, (byte) 128, 51}, 2, 2);
        Tensor scaled = images.div(255f);
        assertThat(scaled.toArray()).containsExactly(0f, 1f, 128f / 255f, 0.2f);
        assertThat(images.rows(1, 2).get(0, 0)).isEqualTo(128);
        assertThat(images.toString()).isEqualTo("[[0 255]\n [128 51]]");
        assertThatThrownBy(() -> UInt8Tensor.wrap(new byte[3], 2, 2)).hasMessageContaining("needs 4 bytes, received 3");
    }

    @Test
    void scaledBytesEqualFloatDivisionForEveryByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        Tensor scaled = UInt8Tensor.wrap(all, 256).div(255f);
        for (int i = 0; i < 256; i++) {
            assertThat(Float.floatToRawIntBits(scaled.get(i))).as("byte %d", i).isEqualTo(Float.floatToRawIntBits(i / 255f));
        }
        assertThat(scaled.toArray()).hasSize(256);
        assertThatThrownBy(() -> UInt8Tensor.wrap(all, 256).div(0f)).hasMessageContaining("must be finite and not zero");
    }

    @Test
    void scaledBytesAreViewsWhoseFloatCopyIsMadeOnlyWhenAskedFor() {
        byte[] pixels = {10, 20, 30, 40, 50, 60};
        Tensor scaled = UInt8Tensor.wrap(pixels, 3, 2).div(10f);
        Tensor last = scaled.rows(1, 3);
        assertThat(last.get(1, 1)).isEqualTo(6f);
        assertThat(last.reshape(4).get(0)).isEqualTo(3f);
        pixels[2] = 70; // a view of the bytes, not a copy
        assertThat(last.get(0, 0)).isEqualTo(7f);
        assertThat(last.offset()).as("the float copy starts at 0").isZero();
        assertThat(last.array()).containsExactly(7f, 4f, 5f, 6f);
        assertThat(last.array()).as("made once").isSameAs(last.array());
        assertThat(scaled.toString()).isEqualTo("[[ 1.00000000  2.00000000]\n [ 7.00000000  4.00000000]\n [ 5.00000000  6.00000000]]");
    }

    @Test
    void aModelComputesTheSameFromBytesAsFromTheirFloats() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        byte[] pixels = new byte[70 * 12];
        rng.nextBytes(pixels);
        Tensor scaled = UInt8Tensor.wrap(pixels, 70, 3, 4).div(255f);
        Tensor floats = Tensor.of(scaled.toArray(), 70, 3, 4);
        Sequential model = new Sequential(new Flatten(3, 4), new Dense(5, Activation.RELU), new Dense(3)).seed(1);
        assertThat(model.apply(scaled).toArray()).containsExactly(model.apply(floats).toArray());
        assertThat(model.apply(scaled.rows(33, 70)).toArray()).containsExactly(model.apply(floats.rows(33, 70)).toArray());
    }
}
