package dev.jeras.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jeras.IntTensor;
import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.initializers.Initializer;
import dev.jeras.kernels.contract.ConcurrentPredict;
import dev.jeras.layers.ActivationLayer;
import dev.jeras.layers.BatchNormalization;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Input;
import dev.jeras.layers.Rescaling;
import dev.jeras.losses.BinaryCrossentropy;
import dev.jeras.losses.CategoricalCrossentropy;
import dev.jeras.losses.Huber;
import dev.jeras.losses.MeanAbsoluteError;
import dev.jeras.losses.MeanSquaredError;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adagrad;
import dev.jeras.optimizers.Adam;
import dev.jeras.optimizers.AdamW;
import dev.jeras.optimizers.RMSprop;
import dev.jeras.optimizers.SGD;
import dev.jeras.optimizers.schedules.CosineDecay;
import dev.jeras.optimizers.schedules.ExponentialDecay;
import dev.jeras.optimizers.schedules.PiecewiseConstantDecay;
import dev.jeras.regularizers.Regularizer;

/**
 * Every layer, activation, initializer, regularizer, loss, optimizer, schedule and metric of the
 * first-week issue goes through a {@code .keras} file and back: the HDF5 C library (h5py) opens
 * what jeras writes and finds one dataset per weight and optimizer variable; the loaded model has
 * the same config, the same weights and optimizer state bit for bit, and one more step on each gives
 * the same bits.
 */
class FirstWeekFilesTest {

    @TempDir
    Path dir;

    private static final Tensor X = ConcurrentPredict.input(new SplittableRandom(3), 64);

    private static Sequential mlp(String name) {
        return new Sequential(new Input(28, 28), new Rescaling(2, -0.5).named("rescale"), new Flatten().named("flatten"),
                new Dense(16, Activation.GELU).kernelInitializer(Initializer.heNormal()).kernelRegularizer(Regularizer.l2(1e-3))
                        .named("hidden"),
                new BatchNormalization(0.9, 1e-3).named("bn"), new ActivationLayer(Activation.TANH).named("act"),
                new Dropout(0.1).named("drop"),
                new Dense(8, Activation.LEAKY_RELU).kernelInitializer(Initializer.glorotNormal())
                        .kernelRegularizer(Regularizer.l1l2(1e-4, 1e-4)).named("mid"),
                new Dense(3, Activation.LINEAR).kernelInitializer(Initializer.heUniform()).named("out")).named(name).seed(7);
    }

    record Case(String name, Supplier<Sequential> model, Object targets) {
    }

    private static List<Case> cases() {
        SplittableRandom rng = new SplittableRandom(4);
        int[] labels = new int[64];
        float[] oneHot = new float[64 * 3];
        float[] values = new float[64 * 3];
        for (int i = 0; i < 64; i++) {
            labels[i] = rng.nextInt(3);
            oneHot[i * 3 + labels[i]] = 1;
            for (int j = 0; j < 3; j++) {
                values[i * 3 + j] = (float) rng.nextGaussian();
            }
        }
        IntTensor sparse = IntTensor.of(labels, 64);
        Tensor hot = Tensor.of(oneHot, 64, 3);
        Tensor regression = Tensor.of(values, 64, 3);
        return List.of(
                new Case("sgd_nesterov", () -> compiled(mlp("sgd_nesterov"), new SGD(0.05, 0.9, true).clipnorm(1),
                        new SparseCategoricalCrossentropy(true), "accuracy", "sparse_top_k_categorical_accuracy"), sparse),
                new Case("rmsprop_centered", () -> compiled(mlp("rmsprop_centered"),
                        new RMSprop(new ExponentialDecay(1e-3, 10, 0.9), 0.9, 0.5, 1e-7, true),
                        new CategoricalCrossentropy(true, 0.1), "categorical_accuracy", "accuracy"), hot),
                new Case("adam_amsgrad", () -> compiled(mlp("adam_amsgrad"), new Adam(1e-3, 0.9, 0.999, 1e-7, true).globalClipnorm(2),
                        new BinaryCrossentropy(true), "binary_accuracy", "auc"), hot),
                new Case("adamw", () -> compiled(mlp("adamw"), new AdamW(new CosineDecay(1e-3, 100), 0.01),
                        new MeanSquaredError(), "mae", "mse"), regression),
                new Case("adam_cosine_warmup", () -> compiled(mlp("adam_cosine_warmup"),
                        new Adam(new CosineDecay(0, 100, 0.1, 1e-3, 10)), new MeanSquaredError(), "mae"), regression),
                new Case("adagrad", () -> compiled(mlp("adagrad"), new Adagrad(0.01).clipvalue(0.5), new Huber(0.5), "mae"), regression),
                new Case("sgd_piecewise", () -> compiled(mlp("sgd_piecewise"),
                        new SGD(new PiecewiseConstantDecay(new long[] {2}, new double[] {0.01, 0.001}), 0, false),
                        new MeanAbsoluteError()), regression));
    }

    private static Sequential compiled(Sequential model, dev.jeras.optimizers.Optimizer optimizer, dev.jeras.losses.Loss loss,
                                       String... metrics) {
        model.compile(optimizer, loss, metrics);
        return model;
    }

    private static void fit(Sequential model, Object targets, int epochs) {
        FitOptions options = FitOptions.epochs(epochs).batchSize(16).shuffle(false).verbose(0);
        if (targets instanceof IntTensor labels) {
            model.fit(X, labels, options);
        } else {
            model.fit(X, (Tensor) targets, options);
        }
    }

    @Test
    void everyNewPieceSavesAndLoadsExactly() throws Exception {
        for (Case c : cases()) {
            Sequential model = c.model().get();
            fit(model, c.targets(), 1);
            Path file = dir.resolve(c.name() + ".keras");
            model.save(file);

            List<String> datasets = H5py.manifest(H5py.weightsOf(file, dir)).stream().filter(l -> l.contains(" dataset ")).toList();
            int optimizerVars = (model.optimizer().schedule() == null ? 2 : 1) + model.optimizer().slotVariables().size();
            assertThat(datasets).as(c.name() + ": h5py finds every weight and optimizer variable")
                    .hasSize(model.weights().size() + optimizerVars);

            Sequential loaded = Sequential.load(file);
            Path again = dir.resolve(c.name() + "-again.keras");
            loaded.save(again);
            assertThat(config(again)).as(c.name() + ": the loaded model's config is the saved one").isEqualTo(config(file));
            for (int i = 0; i < model.getWeights().size(); i++) {
                KerasFileTest.assertBitwiseEqual(loaded.getWeights().get(i), model.getWeights().get(i), c.name() + " weight " + i);
            }
            List<Tensor> slots = model.optimizer().slotVariables();
            for (int i = 0; i < slots.size(); i++) {
                KerasFileTest.assertBitwiseEqual(loaded.optimizer().slotVariables().get(i), slots.get(i), c.name() + " optimizer " + i);
            }
            assertThat(loaded.optimizer().iterations()).isEqualTo(model.optimizer().iterations());
            KerasFileTest.assertBitwiseEqual(loaded.predict(X), model.predict(X), c.name() + " predictions");
        }
    }

    private static String config(Path keras) throws Exception {
        try (ZipFile zip = new ZipFile(keras.toFile())) {
            return new String(zip.getInputStream(zip.getEntry("config.json")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Training continues where it stopped: one more step on the original and on the loaded model gives the same bits. */
    @Test
    void aBatchNormalizedModelContinuesTrainingBitForBitAfterLoading() throws Exception {
        Sequential model = new Sequential(new Input(28, 28), new Flatten().named("f"), new Dense(8, Activation.RELU).named("h"),
                new BatchNormalization().named("bn"), new Dense(3, Activation.SOFTMAX).named("o")).named("bn_model").seed(2);
        model.compile(new RMSprop(1e-3, 0.9, 0.9, 1e-7, false), new SparseCategoricalCrossentropy(), "accuracy");
        int[] yb = new int[16];
        for (int i = 0; i < yb.length; i++) {
            yb[i] = i % 3;
        }
        model.trainOnBatch(X.rows(0, 16), yb);
        Path file = dir.resolve("bn.keras");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        model.trainOnBatch(X.rows(16, 32), yb);
        loaded.trainOnBatch(X.rows(16, 32), yb);
        for (int i = 0; i < model.getWeights().size(); i++) {
            KerasFileTest.assertBitwiseEqual(loaded.getWeights().get(i), model.getWeights().get(i), "after one more step, weight " + i);
        }
        assertThat(loaded.optimizer().iterations()).isEqualTo(2);
    }
}
