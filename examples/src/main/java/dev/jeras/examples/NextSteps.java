package dev.jeras.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.callbacks.EarlyStopping;
import dev.jeras.callbacks.History;
import dev.jeras.callbacks.ReduceLROnPlateau;
import dev.jeras.datasets.DatasetException;
import dev.jeras.datasets.Mnist;
import dev.jeras.layers.BatchNormalization;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Input;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.EvalResult;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.SGD;

/**
 * After the quickstart: a deeper MLP with BatchNormalization, SGD with Nesterov momentum,
 * a 10% validation split, early stopping that keeps the best epoch's weights, a learning rate
 * reduced on plateaus, the curves drawn as SVG, and predictions as class indices. Run with
 * {@code java --add-modules jdk.incubator.vector -cp examples/target/quickstart.jar dev.jeras.examples.NextSteps [--epochs N] [--plot FILE]}.
 */
public final class NextSteps {

    private NextSteps() {
    }

    public static void main(String[] args) throws IOException {
        int epochs = 20;
        Path plot = Path.of("next-steps.svg");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
                case "--plot" -> plot = Path.of(args[i + 1]);
                default -> {
                    System.err.println("usage: NextSteps [--epochs N] [--plot FILE.svg]");
                    System.exit(2);
                }
            }
        }
        Mnist.Data mnist;
        try {
            mnist = Mnist.loadData();
        } catch (DatasetException e) {
            System.err.println("next-steps: " + e.getMessage());
            System.exit(1);
            return;
        }
        Tensor xTrain = mnist.xTrain().div(255f);
        Tensor xTest = mnist.xTest().div(255f);

        Sequential model = new Sequential()
                .add(new Input(28, 28))
                .add(new Flatten())
                .add(new Dense(256, Activation.RELU))
                .add(new BatchNormalization())
                .add(new Dropout(0.2))
                .add(new Dense(128, Activation.RELU))
                .add(new BatchNormalization())
                .add(new Dense(10, Activation.SOFTMAX));
        model.compile(new SGD(0.05, 0.9, true), new SparseCategoricalCrossentropy(), "accuracy");
        model.summary();

        History history = model.fit(xTrain, mnist.yTrain(), FitOptions.epochs(epochs).batchSize(64).validationSplit(0.1)
                .callbacks(new EarlyStopping("val_loss", 0, 3, "auto", true, 0, 1),
                        new ReduceLROnPlateau("val_loss", 0.5, 1, 1e-4, 0, 1e-4, 1)));

        EvalResult test = model.evaluate(xTest, mnist.yTest(), 2);
        System.out.printf(Locale.ROOT, "test loss %.4f, test accuracy %.4f%n", test.loss(), test.accuracy());
        int[] predicted = model.predict(xTest.rows(0, 10)).argmax(-1).toArray();
        System.out.println("predicted classes of the first ten test images: " + Arrays.toString(predicted));
        System.out.println("their labels:                                  " + Arrays.toString(mnist.yTest().rows(0, 10).toIntArray()));
        history.plot(plot);
        System.out.println("wrote the training and validation curves to " + plot);
    }
}
