package dev.jeras.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.initializers.Initializer;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;
import dev.jeras.saving.WeightFiles;

/** A user's own layer, built with the public addWeight, trains, saves and loads like the built-in ones. */
class CustomLayerTest {

    @TempDir
    Path dir;

    /** {@code y = x * scale} per feature; {@code scale} is trained, {@code calls} counts training passes and is not. */
    static final class Scale extends Layer {
        Parameter scale;
        Parameter calls;
        private Tensor lastInput;

        Scale() {
            super("scale", null);
        }

        @Override
        protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
            scale = addWeight("scale", inputShape, (values, shape, r) -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = 0.5f + r.nextFloat();
                }
            });
            calls = addWeight("calls", Shape.of(1), Initializer.zeros(), false);
            return inputShape;
        }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            int n = inputShape().size();
            float[] y = new float[x.size()]; // a fresh output: inference on many threads shares nothing
            float[] in = x.array();
            float[] s = scale.value().array();
            for (int i = 0; i < y.length; i++) {
                y[i] = in[x.offset() + i] * s[i % n];
            }
            if (training) {
                lastInput = x;
                calls.value().array()[0]++;
            }
            return Tensor.of(y, x.shape().dims());
        }

        @Override
        public Tensor backward(Tensor dy, boolean needInputGradient) {
            int n = inputShape().size();
            float[] g = scale.gradient().array();
            java.util.Arrays.fill(g, 0f);
            float[] d = dy.array();
            float[] x = lastInput.array();
            float[] s = scale.value().array();
            float[] dx = new float[dy.size()];
            for (int i = 0; i < dx.length; i++) {
                g[i % n] += d[dy.offset() + i] * x[lastInput.offset() + i];
                dx[i] = d[dy.offset() + i] * s[i % n];
            }
            return needInputGradient ? Tensor.of(dx, dy.shape().dims()) : null;
        }
    }

    private static Sequential model() {
        Sequential model = new Sequential(new Flatten(2, 3).named("flatten"), new Scale().named("scale"), new Dense(4).named("dense"))
                .seed(1);
        model.compile(new Adam(0.05), new SparseCategoricalCrossentropy(true));
        model.summary();
        return model;
    }

    @Test
    void weightsComeInKerasOrderLayerByLayer() {
        Sequential model = model().output(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        // Keras 3's Layer.weights: each layer's trainable then non-trainable variables, layer by layer.
        assertThat(model.weights()).extracting(Parameter::name)
                .containsExactly("scale/scale", "scale/calls", "dense/kernel", "dense/bias");
        assertThat(model.trainableWeights()).extracting(Parameter::name).containsExactly("scale/scale", "dense/kernel", "dense/bias");
        assertThat(model.countParams()).isEqualTo(6 + 1 + 24 + 4);
        Layer scale = model.layers().get(1);
        assertThat(scale.getWeights()).extracting(Tensor::shape).containsExactly(Shape.of(6), Shape.of(1));
    }

    @Test
    void trainsTheTrainableWeightOnly() {
        Sequential model = model();
        Scale scale = (Scale) model.layers().get(1);
        float[] before = scale.scale.value().toArray();
        SplittableRandom rng = new SplittableRandom(2);
        float[] x = new float[8 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat();
        }
        for (int step = 0; step < 5; step++) {
            model.trainOnBatch(Tensor.of(x, 8, 2, 3), new int[] {0, 1, 2, 3, 0, 1, 2, 3});
        }
        assertThat(scale.scale.value().toArray()).isNotEqualTo(before);
        assertThat(scale.calls.value().array()[0]).isEqualTo(5f);
        assertThat(model.optimizer().slotVariables()).hasSize(2 * 3); // Adam keeps state for the trainable weights only
    }

    @Test
    void savesAndLoadsWithTheModel() throws Exception {
        Sequential model = model();
        model.trainOnBatch(Tensor.of(new float[12], 2, 2, 3), new int[] {1, 2});
        for (String name : List.of("w.safetensors", "w.npz")) {
            Path file = dir.resolve(name);
            model.saveWeights(file);
            Sequential copy = model();
            copy.loadWeights(file);
            for (int i = 0; i < model.getWeights().size(); i++) {
                assertThat(copy.getWeights().get(i).toArray()).as(name + " " + i).isEqualTo(model.getWeights().get(i).toArray());
            }
        }
        assertThat(WeightFiles.named(model)).containsKeys("scale/scale", "scale/calls");
    }

    @Test
    void setWeightsChecksCountAndShapesBeforeWriting() {
        Sequential model = model();
        List<Tensor> weights = model.getWeights();
        float[] kernel = weights.get(2).toArray();
        assertThatThrownBy(() -> model.setWeights(weights.subList(0, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 4 weights [scale/scale, scale/calls, dense/kernel, dense/bias], received 3 arrays");
        List<Tensor> wrong = new java.util.ArrayList<>(weights);
        wrong.set(2, Tensor.zeros(6, 4));
        wrong.set(3, Tensor.zeros(5));
        assertThatThrownBy(() -> model.setWeights(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight 3 (dense/bias) has shape (4,), received (5,)");
        assertThat(model.getWeights().get(2).toArray()).as("nothing written by a refused setWeights").isEqualTo(kernel);
        wrong.set(3, Tensor.of(new float[] {1, 2, 3, 4}, 4));
        model.setWeights(wrong);
        assertThat(model.getWeights().get(2).toArray()).containsOnly(0f);
        assertThat(model.getWeights().get(3).toArray()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void addWeightOnlyWhileBuilding() {
        Scale scale = new Scale();
        assertThatThrownBy(() -> scale.addWeight("w", Shape.of(2), Initializer.zeros()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must be called from onBuild");
        Layer twice = new Layer("twice", null) {
            @Override
            protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
                addWeight("w", Shape.of(1), Initializer.ones());
                addWeight("w", Shape.of(1), Initializer.ones());
                return inputShape;
            }

            @Override
            public Tensor forward(Tensor x, boolean training) {
                return x;
            }

            @Override
            public Tensor backward(Tensor dy, boolean needInputGradient) {
                return dy;
            }
        };
        assertThatThrownBy(() -> twice.apply(Tensor.zeros(1, 2))).hasMessageContaining("already has a weight named 'w'");
        assertThat(twice.isBuilt()).isFalse();
    }
}
