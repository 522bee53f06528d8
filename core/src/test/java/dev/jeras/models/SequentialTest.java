package dev.jeras.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.callbacks.History;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.kernels.SimdKernels;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.GradientCheckTest;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Softmax;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.optimizers.Adam;
import dev.jeras.optimizers.SGD;

class SequentialTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    static Sequential quickstartModel() {
        return new Sequential(
                new Flatten(28, 28).named("flatten"),
                new Dense(128, Activation.RELU).named("dense"),
                new Dropout(0.2).named("dropout"),
                new Dense(10).named("dense_1")).named("sequential");
    }

    @Test
    void summaryIsKerasTable() {
        Sequential model = quickstartModel().output(out);
        model.summary();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                Model: "sequential"
                ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
                ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
                ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
                │ flatten (Flatten)               │ (None, 784)            │             0 │
                ├─────────────────────────────────┼────────────────────────┼───────────────┤
                │ dense (Dense)                   │ (None, 128)            │       100,480 │
                ├─────────────────────────────────┼────────────────────────┼───────────────┤
                │ dropout (Dropout)               │ (None, 128)            │             0 │
                ├─────────────────────────────────┼────────────────────────┼───────────────┤
                │ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
                └─────────────────────────────────┴────────────────────────┴───────────────┘
                 Total params: 101,770 (397.54 KB)
                 Trainable params: 101,770 (397.54 KB)
                 Non-trainable params: 0 (0.00 B)
                """);
        assertThat(model.countParams()).isEqualTo(101_770);
    }

    @Test
    void layersAreNamedLikeKeras() {
        Dense first = new Dense(3);
        Dense second = new Dense(3);
        assertThat(first.name()).matches("dense(_\\d+)?");
        String suffix = second.name().substring("dense".length());
        assertThat(suffix).matches("_\\d+");
        assertThatThrownBy(() -> new Sequential(new Dense(2).named("x"), new Dense(2).named("x")))
                .hasMessageContaining("two layers are named 'x'");
    }

    @Test
    void applyGivesLogitsAndANestedModelGivesProbabilities() {
        Sequential model = quickstartModel().seed(1);
        Tensor x = GradientCheckTest.randomTensor(new SplittableRandom(2), 40, 28, 28);
        Tensor logits = model.apply(x.rows(0, 1));
        assertThat(logits.shape()).isEqualTo(Shape.of(1, 10));

        Sequential probabilities = new Sequential(model, new Softmax());
        Tensor p = probabilities.apply(x);
        assertThat(p.shape()).isEqualTo(Shape.of(40, 10));
        for (int r = 0; r < 40; r++) {
            double sum = 0;
            for (int j = 0; j < 10; j++) {
                sum += p.get(r, j);
            }
            assertThat(sum).isCloseTo(1.0, offset(1e-5));
        }
        // apply returns fresh tensors: the next call does not overwrite the last result
        float before = logits.get(0, 3);
        model.apply(x.rows(5, 6));
        assertThat(logits.get(0, 3)).isEqualTo(before);
        assertThat(probabilities.countParams()).isEqualTo(101_770);
    }

    @Test
    void sameSeedSameWeightsAndDifferentSeedDifferentWeights() {
        Tensor x = GradientCheckTest.randomTensor(new SplittableRandom(2), 2, 28, 28);
        float a = quickstartModel().seed(7).apply(x).get(1, 4);
        float b = quickstartModel().seed(7).apply(x).get(1, 4);
        float c = quickstartModel().seed(8).apply(x).get(1, 4);
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void badInputGetsClearErrors() {
        Sequential model = quickstartModel();
        Tensor x = Tensor.zeros(4, 784);
        UInt8Tensor y = UInt8Tensor.wrap(new byte[4], 4);
        assertThatThrownBy(() -> model.fit(x, y, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call compile(optimizer, loss, metrics) before fit");
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        assertThatThrownBy(() -> model.fit(x, y, 1))
                .hasMessageContaining("expects input of shape (None, 28, 28), received (None, 784)");
        Tensor images = Tensor.zeros(4, 28, 28);
        assertThatThrownBy(() -> model.fit(images, UInt8Tensor.wrap(new byte[] {1, 2, 10, 3}, 4), 1))
                .hasMessageContaining("label 10 at index 2 is out of range")
                .hasMessageContaining("[0, 10)");
        assertThatThrownBy(() -> model.evaluate(images, UInt8Tensor.wrap(new byte[3], 3), 0))
                .hasMessageContaining("4 samples, received 3 labels");
        assertThatThrownBy(() -> model.apply(Tensor.zeros(784)))
                .hasMessageContaining("expected a batch");
        assertThatThrownBy(() -> new Dense(0)).hasMessageContaining("positive integer, received 0");
        assertThatThrownBy(() -> new Dropout(1.0)).hasMessageContaining("[0, 1), received 1.0");
        assertThatThrownBy(() -> new Sequential(new Dense(3)).apply(Tensor.zeros(2, 4, 4)))
                .hasMessageContaining("put a Flatten layer before it");
        assertThatThrownBy(() -> model.trainOnBatch(images, new int[] {1, 2, 3, -1}))
                .hasMessageContaining("label -1 at index 3 is out of range");
        assertThatThrownBy(() -> model.trainOnBatch(images, new int[] {1, 2}))
                .hasMessageContaining("4 samples, received 2 labels");
        assertThatThrownBy(() -> model.trainOnBatch(Tensor.zeros(0, 28, 28), new int[0]))
                .hasMessageContaining("trainOnBatch needs a non-empty batch");
        Sequential unflattened = new Sequential(new Dense(3));
        unflattened.compile(new SGD(), new SparseCategoricalCrossentropy(true));
        assertThatThrownBy(() -> unflattened.trainOnBatch(Tensor.zeros(2, 4, 4), new int[] {0, 1}))
                .hasMessageContaining("put a Flatten layer before it");
        assertThatThrownBy(() -> new Sequential(new Dense(3)).summary())
                .hasMessageContaining("not built yet");
    }

    @Test
    void fitLearnsAndIsReproducibleOnBothKernels() {
        Problem problem = Problem.separable(640, 11);
        History simd = train(problem, new SimdKernels(), 3);
        History again = train(problem, new SimdKernels(), 3);
        History scalar = train(problem, new ScalarKernels(), 3);

        assertThat(simd.epochs()).isEqualTo(3);
        assertThat(simd.loss().get(2)).isLessThan(simd.loss().get(0) * 0.5);
        assertThat(simd.accuracy().get(2)).isGreaterThan(0.9);
        assertThat(again.history()).as("same seed, same run").isEqualTo(simd.history());
        for (int e = 0; e < 3; e++) {
            assertThat(scalar.loss().get(e)).as("scalar and simd train alike").isCloseTo(simd.loss().get(e), offset(1e-3));
        }
    }

    @Test
    void verboseLevelsPrintAsKeras() {
        Problem problem = Problem.separable(100, 3);
        Sequential model = problem.model(new SimdKernels()).output(out);
        model.fit(problem.x, problem.y, FitOptions.epochs(2).verbose(0));
        assertThat(bytes.size()).isZero();

        model.fit(problem.x, problem.y, FitOptions.epochs(2).verbose(2).batchSize(16));
        String lines = "\\d+/\\d+ - \\d+s - \\d+(us|ms|s)/step - accuracy: \\d\\.\\d{4} - loss: \\d\\.\\d{4}\n";
        assertThat(bytes.toString(StandardCharsets.UTF_8)).matches("Epoch 1/2\n7/7 - .*\nEpoch 2/2\n7/7 - .*\n")
                .matches("(Epoch \\d/2\n" + lines + ")+");

        bytes.reset();
        model.fit(problem.x, problem.y, FitOptions.epochs(1).verbose(1));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .as("Keras prints no Epoch 1/1 header for a single epoch").matches("4/4 ━{20} \\d+s \\d+(us|ms|s)/step - accuracy: \\d\\.\\d{4} - loss: \\d\\.\\d{4}\n");

        bytes.reset();
        EvalResult r = model.evaluate(problem.x, problem.y, 2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).matches(lines.replace("\\d+/\\d+", "4/4"));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(String.format(java.util.Locale.ROOT, "loss: %.4f", r.loss()));
    }

    @Test
    void evaluateAveragesOverSamplesIncludingAPartialLastBatch() {
        Problem problem = Problem.separable(70, 5); // 32 + 32 + 6
        Sequential model = problem.model(new SimdKernels());
        EvalResult r = model.evaluate(problem.x, problem.y, 0);
        Tensor logits = model.predict(problem.x);
        float expectedLoss = new SparseCategoricalCrossentropy(true).call(problem.y, logits);
        int correct = 0;
        for (int i = 0; i < 70; i++) {
            int best = 0;
            for (int j = 1; j < 3; j++) {
                if (logits.get(i, j) > logits.get(i, best)) {
                    best = j;
                }
            }
            correct += best == problem.y.get(i) ? 1 : 0;
        }
        assertThat(r.loss()).isCloseTo(expectedLoss, offset(1e-5));
        assertThat(r.accuracy()).isEqualTo(correct / 70.0);
    }

    private static History train(Problem problem, dev.jeras.kernels.Kernels kernels, int epochs) {
        return problem.model(kernels).fit(problem.x, problem.y, FitOptions.epochs(epochs).verbose(0));
    }

    /** Three Gaussian blobs in 8 dimensions: learnable in a few epochs. */
    record Problem(Tensor x, UInt8Tensor y) {
        static Problem separable(int n, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            Tensor x = Tensor.zeros(n, 2, 4);
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                int label = rng.nextInt(3);
                labels[i] = (byte) label;
                for (int d = 0; d < 8; d++) {
                    x.array()[i * 8 + d] = (float) (rng.nextGaussian() * 0.5 + (d % 3 == label ? 1.5 : 0));
                }
            }
            return new Problem(x, UInt8Tensor.wrap(labels, n));
        }

        Sequential model(dev.jeras.kernels.Kernels kernels) {
            Sequential model = new Sequential(new Flatten(2, 4), new Dense(16, Activation.RELU), new Dropout(0.1), new Dense(3))
                    .useKernels(kernels).seed(5);
            model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true), "accuracy");
            return model;
        }
    }
}
