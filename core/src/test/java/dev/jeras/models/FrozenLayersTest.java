package dev.jeras.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.layers.BatchNormalization;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Input;
import dev.jeras.layers.Layer;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.optimizers.Adam;

/** Keras's {@code layer.trainable = False}: frozen weights stay as they are, and the model says so. */
class FrozenLayersTest {

    private static final int SAMPLES = 64;

    private static Sequential model(Layer... layers) {
        Layer[] all = new Layer[layers.length + 1];
        all[0] = new Input(6);
        System.arraycopy(layers, 0, all, 1, layers.length);
        Sequential model = new Sequential(all).seed(3);
        model.apply(x()); // builds it, so that its weights exist to compare
        return model;
    }

    private static Tensor x() {
        SplittableRandom rng = new SplittableRandom(5);
        float[] v = new float[SAMPLES * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextDouble(-1, 1);
        }
        return Tensor.of(v, SAMPLES, 6);
    }

    private static UInt8Tensor y() {
        byte[] labels = new byte[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            labels[i] = (byte) (i % 3);
        }
        return UInt8Tensor.wrap(labels, SAMPLES);
    }

    private static void fit(Sequential model) {
        model.fit(x(), y(), FitOptions.epochs(2).batchSize(16).verbose(0));
    }

    private static List<float[]> values(Layer layer) {
        return layer.getWeights().stream().map(Tensor::toArray).toList();
    }

    @Test
    void aFrozenLayerKeepsItsWeightsWhileTheOthersTrain() {
        Dense first = new Dense(8, Activation.RELU);
        Dense second = new Dense(3);
        Sequential model = model(first, second);
        first.setTrainable(false);
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true));
        List<float[]> frozen = values(first);
        List<float[]> trained = values(second);

        fit(model);

        assertThat(first.isTrainable()).isFalse();
        assertThat(values(first)).containsExactlyElementsOf(frozen);
        assertThat(values(second).get(0)).isNotEqualTo(trained.get(0));
        assertThat(model.trainableWeights()).containsExactlyElementsOf(second.trainableWeights());
        assertThat(model.nonTrainableWeights()).containsExactlyElementsOf(first.weights());
        assertThat(first.trainableWeights()).isEmpty();
        // Keras's order of weights does not change when a layer is frozen.
        assertThat(model.weights()).containsExactly(first.weights().get(0), first.weights().get(1),
                second.weights().get(0), second.weights().get(1));
        assertThat(model.countTrainableParams()).isEqualTo(8 * 3 + 3);
        assertThat(model.countParams()).isEqualTo(6 * 8 + 8 + 8 * 3 + 3);
    }

    @Test
    void theSummaryCountsFrozenWeightsAsNonTrainable() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Dense first = new Dense(8);
        Sequential model = model(first, new Dense(3)).output(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        first.setTrainable(false);
        model.summary();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains(" Total params: 83 ")
                .contains(" Trainable params: 27 ")
                .contains(" Non-trainable params: 56 ");
    }

    @Test
    void freezingAfterTrainingNeedsACompileAsInKeras() {
        Dense first = new Dense(8, Activation.RELU);
        Sequential model = model(first, new Dense(3));
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true));
        fit(model);
        first.setTrainable(false);
        assertThatThrownBy(() -> fit(model)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before a layer was frozen or unfrozen")
                .hasMessageContaining("compile the model again");

        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true));
        List<float[]> frozen = values(first);
        fit(model);
        assertThat(values(first)).containsExactlyElementsOf(frozen);
    }

    @Test
    void aFrozenModelFreezesEveryLayerInsideAndTrainsNothing() {
        Dense inner = new Dense(4);
        Sequential nested = new Sequential(new Dense(5), inner);
        Sequential model = model(nested, new Dense(3)).setTrainable(false);
        assertThat(inner.isTrainable()).isFalse();
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true));
        List<float[]> before = model.getWeights().stream().map(Tensor::toArray).toList();
        fit(model);
        assertThat(model.trainableWeights()).isEmpty();
        assertThat(model.getWeights().stream().map(Tensor::toArray).toList()).containsExactlyElementsOf(before);
    }

    @Test
    void aFrozenBatchNormalizationNormalizesWithItsMovingStatisticsAndKeepsThem() {
        BatchNormalization bn = new BatchNormalization();
        Sequential model = model(new Dense(4), bn, new Dense(3));
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true));
        fit(model); // moving statistics away from 0 and 1
        bn.setTrainable(false);
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true));
        List<float[]> bnBefore = values(bn);

        Tensor h = Tensor.of(x().toArray(), SAMPLES, 6);
        Tensor hidden = model.layers().get(0).forward(h, false);
        Tensor copy = Tensor.of(hidden.toArray(), SAMPLES, 4);
        float[] training = bn.forward(copy, true).toArray();
        float[] inference = bn.forward(copy, false).toArray();
        assertThat(training).containsExactly(inference);

        fit(model);
        assertThat(values(bn)).containsExactlyElementsOf(bnBefore);
    }
}
