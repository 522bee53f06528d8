package dev.jeras.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jeras.IntTensor;
import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.callbacks.CSVLogger;
import dev.jeras.callbacks.Callback;
import dev.jeras.callbacks.EarlyStopping;
import dev.jeras.callbacks.History;
import dev.jeras.callbacks.LearningRateScheduler;
import dev.jeras.callbacks.ReduceLROnPlateau;
import dev.jeras.callbacks.TerminateOnNaN;
import dev.jeras.kernels.ScalarKernels;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Input;
import dev.jeras.losses.MeanSquaredError;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.optimizers.Adam;
import dev.jeras.optimizers.SGD;

/** fit's options and callbacks as Keras 3 runs them. */
class FitTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private Sequential model(long seed) {
        Sequential model = new Sequential(new Input(2, 4)).add(new Flatten()).add(new Dense(16, Activation.RELU)).add(new Dropout(0.1))
                .add(new Dense(3)).useKernels(new ScalarKernels()).seed(seed).output(out);
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true), "accuracy");
        return model;
    }

    private static final SequentialTest.Problem PROBLEM = SequentialTest.Problem.separable(640, 11);

    @Test
    void validationSplitTakesTheLastSamplesAndEqualsASeparateEvaluate() {
        Sequential model = model(1);
        History history = model.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(2).validationSplit(0.25).verbose(0));
        assertThat(history.history().keySet()).containsExactly("accuracy", "loss", "val_accuracy", "val_loss");

        // The last 25% (Keras: split_at = floor(640 * 0.75) = 480), evaluated with the final weights.
        EvalResult separate = model.evaluate(PROBLEM.x().rows(480, 640), PROBLEM.y().rows(480, 640), 32, 0);
        assertThat(history.get("val_loss").get(1)).isCloseTo(separate.loss(), offset(1e-6));
        assertThat(history.get("val_accuracy").get(1)).isCloseTo(separate.accuracy(), offset(1e-12));

        // validationData gives the same figures as an evaluate on it.
        Sequential other = model(1);
        History h2 = other.fit(PROBLEM.x().rows(0, 480), PROBLEM.y().rows(0, 480),
                FitOptions.epochs(1).validationData(PROBLEM.x().rows(480, 640), PROBLEM.y().rows(480, 640)).verbose(0));
        EvalResult again = other.evaluate(PROBLEM.x().rows(480, 640), PROBLEM.y().rows(480, 640), 32, 0);
        assertThat(h2.get("val_loss").getFirst()).isCloseTo(again.loss(), offset(1e-6));
    }

    @Test
    void theProgressLineEndsWithTheValidationMetricsInKerasOrder() {
        Sequential model = model(2);
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(true), "sparse_categorical_accuracy", "accuracy");
        History history = model.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(2).batchSize(64).validationSplit(0.2));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        String[] lines = printed.split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).isEqualTo("Epoch 1/2");
        assertThat(lines[2]).isEqualTo("Epoch 2/2");
        for (int e = 0; e < 2; e++) {
            String metrics = String.format(java.util.Locale.ROOT,
                    " - accuracy: %.4f - loss: %.4f - sparse_categorical_accuracy: %.4f - val_accuracy: %.4f - val_loss: %.4f"
                            + " - val_sparse_categorical_accuracy: %.4f",
                    history.get("accuracy").get(e), history.get("loss").get(e), history.get("sparse_categorical_accuracy").get(e),
                    history.get("val_accuracy").get(e), history.get("val_loss").get(e),
                    history.get("val_sparse_categorical_accuracy").get(e));
            assertThat(lines[1 + 2 * e]).matches("8/8 ━{20} \\d+s \\d+(us|ms|s)/step" + java.util.regex.Pattern.quote(metrics));
        }
    }

    @Test
    void earlyStoppingRestoresExactlyTheBestEpochsWeights() {
        Sequential model = model(3);
        List<List<Tensor>> perEpoch = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                perEpoch.add(model.getWeights());
            }
        };
        EarlyStopping stop = new EarlyStopping("val_loss", 0, 2, "auto", true, 0, 1);
        // A learning rate large enough that the validation loss rises again after a few epochs.
        model.compile(new SGD(0.9), new SparseCategoricalCrossentropy(true), "accuracy");
        History history = model.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(40).validationSplit(0.5).verbose(0)
                .callbacks(recorder, stop));
        List<Double> val = history.get("val_loss");
        int best = 0;
        for (int e = 1; e < val.size(); e++) {
            if (val.get(e) < val.get(best)) {
                best = e;
            }
        }
        assertThat(stop.bestEpoch()).isEqualTo(best);
        assertThat(val.size()).as("stopped %d epochs after the best", 2).isEqualTo(Math.min(40, best + 3));
        List<Tensor> restored = model.getWeights();
        for (int i = 0; i < restored.size(); i++) {
            assertThat(restored.get(i).toArray()).as("weight %d is the best epoch's", i).isEqualTo(perEpoch.get(best).get(i).toArray());
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        if (val.size() < 40) {
            assertThat(printed).contains("Epoch " + val.size() + ": early stopping");
        }
        assertThat(printed).contains("Restoring model weights from the end of the best epoch: " + (best + 1) + ".");
    }

    @Test
    void terminateOnNaNStopsAtTheFirstNaNBatch() {
        Tensor x = PROBLEM.x().rows(0, 320);
        Tensor poisoned = Tensor.of(x.toArray(), x.shape().dims());
        poisoned.array()[100 * 8 + 3] = Float.NaN; // sample 100: batch 3 of 32 without shuffling
        Sequential model = model(4);
        TerminateOnNaN terminate = new TerminateOnNaN();
        History history = model.fit(poisoned, PROBLEM.y().rows(0, 320), FitOptions.epochs(3).shuffle(false).verbose(0)
                .callbacks(terminate));
        assertThat(terminate.terminatedBatch()).isEqualTo(3);
        assertThat(history.epochs()).as("the epoch ends, none follows").isEqualTo(1);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Batch 3: Invalid loss, terminating training");
    }

    @Test
    void schedulersAndPlateausChangeTheLearningRate() {
        Sequential model = model(5);
        Adam adam = new Adam(0.01);
        model.compile(adam, new SparseCategoricalCrossentropy(true), "accuracy");
        List<Float> seen = new ArrayList<>();
        Callback watch = new Callback() {
            @Override
            public void onEpochBegin(int epoch, Map<String, Double> logs) {
                seen.add(adam.learningRate());
            }
        };
        model.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(3).verbose(0)
                .callbacks(new LearningRateScheduler((epoch, lr) -> 0.01 / (epoch + 1)), watch));
        assertThat(seen).containsExactly(0.01f, 0.005f, (float) (0.01 / 3));

        // ReduceLROnPlateau: a monitored value that never improves halves the rate after patience epochs.
        Sequential plateau = model(6);
        Adam second = new Adam(0.01);
        plateau.compile(second, new SparseCategoricalCrossentropy(true), "accuracy");
        Callback flat = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
            }
        };
        plateau.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(4).verbose(0)
                .callbacks(new ReduceLROnPlateau("loss", 0.5, 0, 1e9, 0, 0, 1), flat));
        assertThat(second.learningRate()).as("min_delta 1e9 means no epoch improves").isCloseTo(0.01f * 0.125f, offset(1e-9f));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.004999999888241291.\n");
    }

    @Test
    void csvLoggerAndInitialEpochAndPlot(@TempDir Path dir) throws Exception {
        Sequential model = model(7);
        Path csv = dir.resolve("log.csv");
        History history = model.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(3).initialEpoch(1).validationSplit(0.1).verbose(0)
                .callbacks(new CSVLogger(csv)));
        assertThat(history.epoch()).containsExactly(1, 2);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.getFirst()).isEqualTo("epoch,accuracy,loss,val_accuracy,val_loss");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("1,");

        Path svg = dir.resolve("training.svg");
        history.plot(svg);
        String text = Files.readString(svg);
        assertThat(text).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").contains(">loss</text>").contains(">accuracy</text>")
                .contains("stroke-dasharray").endsWith("</svg>\n");
        assertThat(text.split("<polyline").length - 1).as("training and validation curves of two quantities").isEqualTo(4);
    }

    @Test
    void modelCheckpointSavesEachEpochOrTheBest(@TempDir Path dir) throws Exception {
        Sequential model = model(11);
        String pattern = dir.resolve("ckpt-{epoch:02d}-{val_loss:.3f}.npz").toString();
        History history = model.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(3).validationSplit(0.2).verbose(0)
                .callbacks(new dev.jeras.callbacks.ModelCheckpoint(pattern, "val_loss", false, true, 0)));
        for (int e = 0; e < 3; e++) {
            String name = String.format(java.util.Locale.ROOT, "ckpt-%02d-%.3f.npz", e + 1, history.get("val_loss").get(e));
            assertThat(dir.resolve(name)).exists();
        }
        List<Tensor> trained = model.getWeights();
        List<Tensor> zeros = new ArrayList<>();
        for (Tensor w : trained) {
            zeros.add(Tensor.zeros(w.shape().dims()));
        }
        model.setWeights(zeros);
        model.loadWeights(dir.resolve(String.format(java.util.Locale.ROOT, "ckpt-03-%.3f.npz", history.get("val_loss").get(2))));
        for (int i = 0; i < trained.size(); i++) {
            assertThat(model.getWeights().get(i).toArray()).as("the last checkpoint holds the final weight %d", i)
                    .isEqualTo(trained.get(i).toArray());
        }
        assertThatThrownBy(() -> new dev.jeras.callbacks.ModelCheckpoint("model.h5")).hasMessageContaining("must end in .keras");
    }

    @Test
    void sampleAndClassWeightsWeighTheLoss() {
        // With every weight 2 the loss doubles: Keras divides the weighted sum by the batch size.
        Sequential a = model(8);
        Sequential b = model(8);
        float[] twos = new float[PROBLEM.x().rows()];
        java.util.Arrays.fill(twos, 2f);
        History ha = a.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(1).shuffle(false).batchSize(640).verbose(0));
        History hb = b.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(1).shuffle(false).batchSize(640).sampleWeight(twos).verbose(0));
        assertThat(hb.loss().getFirst()).isCloseTo(2 * ha.loss().getFirst(), offset(1e-5));

        // Class weights of 2 for every class are the same as sample weights of 2.
        Sequential c = model(8);
        History hc = c.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(1).shuffle(false).batchSize(640)
                .classWeight(Map.of(0, 2.0, 1, 2.0, 2, 2.0)).verbose(0));
        assertThat(hc.loss().getFirst()).isCloseTo(hb.loss().getFirst(), offset(1e-9));
        assertThatThrownBy(() -> FitOptions.epochs(1).sampleWeight(twos).classWeight(Map.of(0, 1.0)))
                .hasMessageContaining("either classWeight or sampleWeight");
    }

    @Test
    void largeBatchesAndBadDataAreHandled() {
        Sequential model = model(9);
        // A batch size beyond the data sizes buffers from the data (one step), not from the request.
        History h = model.fit(PROBLEM.x(), PROBLEM.y(), FitOptions.epochs(1).batchSize(2_000_000_000).verbose(0));
        assertThat(h.epochs()).isEqualTo(1);
        assertThatThrownBy(() -> model.trainOnBatch(PROBLEM.x().rows(0, 4), new int[] {0, 1, 2, 0, 1}))
                .hasMessageContaining("4 samples, received 5 labels");
        assertThatThrownBy(() -> model.fit(PROBLEM.x().rows(0, 1), PROBLEM.y().rows(0, 1), FitOptions.epochs(1).validationSplit(0.5)
                .verbose(0))).hasMessageContaining("leaves no training samples");
        assertThatThrownBy(() -> new Flatten(28, 0)).hasMessageContaining("positive");
    }

    @Test
    void moreThan256ClassesAndRegression() {
        // IntTensor labels: 300 classes.
        int n = 600;
        SplittableRandom rng = new SplittableRandom(1);
        Tensor x = Tensor.zeros(n, 4);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 300;
            for (int d = 0; d < 4; d++) {
                x.array()[i * 4 + d] = (float) rng.nextGaussian();
            }
        }
        Sequential big = new Sequential(new Input(4), new Dense(300)).useKernels(new ScalarKernels()).seed(1).output(out);
        big.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        History h = big.fit(x, IntTensor.of(labels, n), FitOptions.epochs(1).verbose(0));
        assertThat(h.loss().getFirst()).isCloseTo(Math.log(300), offset(0.5));
        assertThat(big.predict(x).argmax(1).shape().dims()).containsExactly(n);

        // Regression on float targets: y = 2 x0 - x1.
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = 2 * x.array()[i * 4] - x.array()[i * 4 + 1];
        }
        Sequential linear = new Sequential(new Input(4), new Dense(1)).useKernels(new ScalarKernels()).seed(2).output(out);
        linear.compile(new Adam(0.05), new MeanSquaredError(), "mae");
        History r = linear.fit(x, Tensor.of(y, n, 1), FitOptions.epochs(30).verbose(0));
        assertThat(r.loss().getLast()).isLessThan(1e-3);
        assertThat(r.history().keySet()).containsExactly("loss", "mae");
        assertThat(linear.evaluate(x, Tensor.of(y, n, 1), 32, 0).get("mae")).isLessThan(0.05);
    }

    @Test
    void theRegularizationPenaltyIsPartOfTheLossAsInKeras() {
        Sequential m = new Sequential(new Input(2, 4), new Flatten(),
                new Dense(3).kernelRegularizer(dev.jeras.regularizers.Regularizer.l2(0.1))).useKernels(new ScalarKernels()).seed(1)
                .output(out);
        m.compile(new SGD(0.01), new SparseCategoricalCrossentropy(true));
        Tensor x = PROBLEM.x().rows(0, 64);
        UInt8Tensor y = PROBLEM.y().rows(0, 64);
        EvalResult r = m.evaluate(x, y, 32, 0);
        double data = new SparseCategoricalCrossentropy(true).call(y, m.predict(x));
        double squares = 0;
        for (float w : m.layers().get(1).getWeights().get(0).toArray()) {
            squares += (double) w * w;
        }
        assertThat(r.loss()).isCloseTo(data + 0.1 * squares, offset(1e-5));
    }

    @Test
    void predictComputesInTheBatchesAsked() {
        Sequential model = model(12);
        Tensor x = PROBLEM.x().rows(0, 100);
        // Rows are computed independently: any batch size gives the same bits.
        assertThat(model.predict(x, 7).toArray()).isEqualTo(model.predict(x).toArray());
        assertThat(model.predict(x, 1000).toArray()).isEqualTo(model.predict(x).toArray());
        assertThatThrownBy(() -> model.predict(x, 0)).hasMessageContaining("batch size must be positive, received 0");
    }

    @Test
    void uint8LabelsStillWork() {
        UInt8Tensor y = PROBLEM.y();
        Sequential model = model(10);
        assertThat(model.fit(PROBLEM.x(), y, 2).accuracy().getLast()).isGreaterThan(0.8);
    }
}
