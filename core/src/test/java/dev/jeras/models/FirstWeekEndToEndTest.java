package dev.jeras.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;

import org.junit.jupiter.api.Test;

import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.callbacks.EarlyStopping;
import dev.jeras.callbacks.History;
import dev.jeras.datasets.Datasets;
import dev.jeras.datasets.Mnist;
import dev.jeras.layers.BatchNormalization;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Input;
import dev.jeras.losses.BinaryCrossentropy;
import dev.jeras.losses.MeanSquaredError;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.metrics.AUC;
import dev.jeras.metrics.Metric;
import dev.jeras.optimizers.Adam;
import dev.jeras.optimizers.RMSprop;
import dev.jeras.testing.TestMnist;

/**
 * The models a Keras user builds after the quickstart, on the real MNIST, each to a stated quality:
 * a 3-layer MLP with BatchNormalization and early stopping on a 10% validation split; a binary
 * classifier (digit 0 against the rest) with BinaryCrossentropy and AUC; a regression of each
 * image's mean pixel intensity with MSE. Data as in {@link QuickstartEndToEndTest}.
 */
class FirstWeekEndToEndTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void mlpWithBatchNormalizationAndEarlyStopping() {
        Mnist.Data mnist = TestMnist.load();
        Tensor xTrain = mnist.xTrain().div(255f);
        Sequential model = new Sequential(new Input(28, 28), new Flatten(), new Dense(256, Activation.RELU), new BatchNormalization(),
                new Dense(128, Activation.RELU), new BatchNormalization(), new Dense(10)).seed(1).output(QUIET);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        EarlyStopping stop = new EarlyStopping("val_loss", 0, 1, "auto", true, 0, 0);
        History history = model.fit(xTrain, mnist.yTrain(), FitOptions.epochs(6).batchSize(64).validationSplit(0.1).callbacks(stop));

        EvalResult test = model.evaluate(mnist.xTest().div(255f), mnist.yTest(), 0);
        assertThat(history.get("val_accuracy").get(stop.bestEpoch())).as("best validation accuracy").isGreaterThan(0.97);
        assertThat(test.accuracy()).as("test accuracy of the restored best epoch").isGreaterThanOrEqualTo(0.97);
    }

    @Test
    void binaryClassifierOfTheDigitZeroWithAuc() {
        Mnist.Data mnist = TestMnist.load();
        Tensor x = mnist.xTrain().rows(0, 20_000).div(255f);
        Tensor y = isZero(mnist.yTrain().rows(0, 20_000).toIntArray());
        Sequential model = new Sequential(new Flatten(28, 28), new Dense(64, Activation.RELU), new Dense(1)).seed(2).output(QUIET);
        model.compile(new RMSprop(), new BinaryCrossentropy(true), Metric.get("accuracy"), new AUC());
        History history = model.fit(x, y, FitOptions.epochs(2).batchSize(64).verbose(0));
        assertThat(history.history().keySet()).containsExactly("accuracy", "auc", "loss");

        // AUC here thresholds the logits as if they were probabilities (Keras does the same with from_logits
        // models unless given a sigmoid): evaluate the probability model to score it properly.
        Sequential probabilities = new Sequential(model, new dev.jeras.layers.ActivationLayer(Activation.SIGMOID)).output(QUIET);
        probabilities.compile(new RMSprop(), new BinaryCrossentropy(false), Metric.get("accuracy"), new AUC());
        EvalResult test = probabilities.evaluate(mnist.xTest().div(255f), isZero(mnist.yTest().toIntArray()), 32, 0);
        assertThat(test.get("auc")).as("test AUC, digit 0 against the rest").isGreaterThan(0.995);
        assertThat(test.accuracy()).as("test accuracy (90% by always answering 'not 0')").isGreaterThan(0.99);
    }

    @Test
    void regressionOfTheMeanIntensity() {
        Mnist.Data mnist = TestMnist.load();
        Datasets.Split<Tensor> split = Datasets.trainTestSplit(mnist.xTest().div(255f), meanIntensity(mnist.xTest().div(255f)), 0.2, 3);
        Sequential model = new Sequential(new Flatten(28, 28), new Dense(32, Activation.RELU), new Dense(1)).seed(3).output(QUIET);
        model.compile(new Adam(), new MeanSquaredError(), "mae");
        model.fit(split.xTrain(), split.yTrain(), FitOptions.epochs(5).verbose(0));

        double variance = variance(split.yTest().toArray());
        EvalResult test = model.evaluate(split.xTest(), split.yTest(), 32, 0);
        assertThat(test.loss()).as("test MSE against the targets' variance %s", variance).isLessThan(0.05 * variance);
        assertThat(test.get("mae")).isLessThan(0.01);
    }

    private static Tensor isZero(int[] labels) {
        float[] y = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            y[i] = labels[i] == 0 ? 1 : 0;
        }
        return Tensor.of(y, labels.length, 1);
    }

    private static Tensor meanIntensity(Tensor images) {
        float[] pixels = images.toArray();
        float[] mean = new float[images.rows()];
        for (int r = 0; r < images.rows(); r++) {
            double sum = 0;
            for (int j = 0; j < 784; j++) {
                sum += pixels[r * 784 + j];
            }
            mean[r] = (float) (sum / 784);
        }
        return Tensor.of(mean, images.rows(), 1);
    }

    private static double variance(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double squares = 0;
        for (float x : v) {
            squares += (x - mean) * (x - mean);
        }
        return squares / v.length;
    }
}
