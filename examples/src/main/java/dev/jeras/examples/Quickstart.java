package dev.jeras.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.callbacks.History;
import dev.jeras.datasets.DatasetException;
import dev.jeras.datasets.Mnist;
import dev.jeras.kernels.Kernels;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Softmax;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.EvalResult;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;

/**
 * The TensorFlow 2 "quickstart for beginners", step by step, in jeras. Run with
 * {@code java --add-modules jdk.incubator.vector -jar examples/target/quickstart.jar --help}.
 */
public final class Quickstart {

    private static final String USAGE = """
            usage: java --add-modules jdk.incubator.vector -jar examples/target/quickstart.jar [options]
              --epochs N       training epochs (default 5)
              --batch-size N   samples per training step (default 32)
              --seed N         seed for weights, dropout and shuffling (default: random)
              --data DIR       read MNIST from DIR only (default: JERAS_DATA, the cache, or a download)
              --save FILE      save the trained model as a Keras 3 .keras file (then: predict.jar FILE image.png)
              --plot FILE      draw the loss and accuracy per epoch as an SVG file (open it in a browser)
              --help           print this message
            """;

    private Quickstart() {
    }

    /** Parsed command line. */
    record Options(int epochs, int batchSize, Long seed, Path data, Path save, Path plot) {

        static Options parse(String[] args) {
            int epochs = 5;
            int batchSize = 32;
            Long seed = null;
            Path data = null;
            Path save = null;
            Path plot = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    return null;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + flag + (isFlag(flag) ? " needs a value" : " is not known"));
                }
                String value = args[++i];
                switch (flag) {
                    case "--epochs" -> epochs = positive(flag, value, true);
                    case "--batch-size" -> batchSize = positive(flag, value, false);
                    case "--seed" -> seed = number(flag, value);
                    case "--data" -> data = Path.of(value);
                    case "--save" -> save = Path.of(value);
                    case "--plot" -> plot = Path.of(value);
                    default -> throw new IllegalArgumentException("option " + flag + " is not known");
                }
            }
            if (save != null && !save.getFileName().toString().endsWith(".keras")) {
                throw new IllegalArgumentException("--save needs a file name ending in .keras (Keras's model format), received " + save);
            }
            if (plot != null && !plot.getFileName().toString().endsWith(".svg")) {
                throw new IllegalArgumentException("--plot needs a file name ending in .svg, received " + plot);
            }
            return new Options(epochs, batchSize, seed, data, save, plot);
        }

        private static boolean isFlag(String s) {
            return s.equals("--epochs") || s.equals("--batch-size") || s.equals("--seed") || s.equals("--data") || s.equals("--save");
        }

        private static int positive(String flag, String value, boolean zeroAllowed) {
            long n = number(flag, value);
            if (n < (zeroAllowed ? 0 : 1) || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(flag + " needs a " + (zeroAllowed ? "non-negative" : "positive")
                        + " integer, received " + value);
            }
            return (int) n;
        }

        private static long number(String flag, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs an integer, received '" + value + "'");
            }
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("quickstart: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(USAGE);
            return;
        }
        try {
            run(options);
        } catch (IOException e) {
            System.err.println("quickstart: cannot write " + e.getMessage());
            System.exit(1);
        } catch (DatasetException | IllegalStateException e) {
            // Data that cannot be found, or a forced -Djeras.kernels that cannot be honoured: the message says what to do.
            System.err.println("quickstart: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(Options options) throws IOException {
        for (Path file : new Path[] {options.save(), options.plot()}) {
            if (file != null) {
                checkWritable(file); // before five epochs of training, not after
            }
        }
        // MNIST loads (mostly decompression) while the kernels are chosen (mostly loading libraries).
        CompletableFuture<Mnist.Data> loading = CompletableFuture.supplyAsync(
                () -> options.data() != null ? Mnist.loadData(options.data()) : Mnist.loadData());
        Kernels.active(); // a forced -Djeras.kernels that cannot be honoured stops here, before any work
        System.out.println("jeras kernels: " + Kernels.selection());

        System.out.println("\n1. Load MNIST and scale the pixels to [0, 1]");
        Mnist.Data mnist = join(loading);
        Tensor xTrain = mnist.xTrain().div(255f);
        Tensor xTest = mnist.xTest().div(255f);
        UInt8Tensor yTrain = mnist.yTrain();
        UInt8Tensor yTest = mnist.yTest();
        System.out.printf("x_train %s, y_train %s, x_test %s, y_test %s%n",
                mnist.xTrain().shape(), yTrain.shape(), mnist.xTest().shape(), yTest.shape());

        System.out.println("\n2. Build the model");
        Sequential model = new Sequential(
                new Flatten(28, 28),
                new Dense(128, Activation.RELU),
                new Dropout(0.2),
                new Dense(10));
        if (options.seed() != null) {
            model.seed(options.seed());
        }

        System.out.println("\n3. Logits for the first training image, and their softmax");
        Tensor predictions = model.apply(xTrain.rows(0, 1));
        System.out.println(predictions);
        System.out.println(new Softmax().apply(predictions));

        System.out.println("\n4. The untrained loss (about -log(1/10) = 2.3)");
        SparseCategoricalCrossentropy lossFn = new SparseCategoricalCrossentropy(true);
        System.out.printf(Locale.ROOT, "first image's loss %.4f; mean over the first batch of 32: %.4f%n",
                lossFn.call(yTrain.rows(0, 1), predictions), lossFn.call(yTrain.rows(0, 32), model.apply(xTrain.rows(0, 32))));

        System.out.println("\n5. Compile");
        model.compile(new Adam(), lossFn, "accuracy");
        model.summary();

        System.out.println("\n6. Train");
        long start = System.nanoTime();
        History history = model.fit(xTrain, yTrain, FitOptions.epochs(options.epochs()).batchSize(options.batchSize()));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "fit: %d epochs in %.2f s%n", options.epochs(), seconds);

        System.out.println("\n7. Evaluate");
        EvalResult result = model.evaluate(xTest, yTest, 2);
        System.out.printf(Locale.ROOT, "test loss %.4f, test accuracy %.4f%n", result.loss(), result.accuracy());

        System.out.println("\n8. Probabilities for the first five test images");
        Sequential probabilityModel = new Sequential(model, new Softmax());
        System.out.println(probabilityModel.apply(xTest.rows(0, 5)));

        if (options.plot() != null && history.epochs() > 0) {
            history.plot(options.plot());
            System.out.println("\nwrote the training curves to " + options.plot());
        }

        if (options.save() != null) {
            System.out.println("\n9. Save the model");
            model.save(options.save());
            System.out.println("saved " + options.save() + " (" + Files.size(options.save()) + " bytes); classify an image with:");
            System.out.println("java --add-modules jdk.incubator.vector -jar examples/target/predict.jar " + options.save() + " IMAGE.png");
        }
    }

    /** Fails early when the model could not be saved where asked: an unwritable directory, or no .keras support. */
    private static void checkWritable(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path probe = Files.createTempFile(dir, ".quickstart", ".probe");
        Files.delete(probe);
    }
}
