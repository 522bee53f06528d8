package dev.jeras.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.jeras.Tensor;
import dev.jeras.datasets.Mnist;
import dev.jeras.kernels.Kernels;
import dev.jeras.models.EvalResult;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Sequential;

/**
 * The quickstart's training, end to end, in the JVM it is started in (fresh, with default flags and
 * whatever {@code -Djeras.kernels} and {@code -Djeras.threads} say): MNIST from {@code JERAS_DATA}, the
 * model, five epochs timed one by one, the evaluation. Prints one line of {@code key=value} pairs for
 * {@link BenchmarkReport}: the fit time, each epoch, the test accuracy and the process's peak resident
 * memory. The epochs are five calls of {@code fit(epochs=1)}, so that each can be timed; shuffling then
 * draws a new order per call from the model's seed, which trains the same way.
 */
public final class FitRun {

    /** Floating-point operations of one quickstart sample: both forward GEMMs, both weight gradients, the hidden gradient. */
    static final long FLOP_PER_SAMPLE = 2L * (784 * 128 + 128 * 10) + 2L * (784 * 128 + 128 * 10) + 2L * 10 * 128;

    private FitRun() {
    }

    public static void main(String[] args) throws IOException {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String kernels = Kernels.active().name();
        Mnist.Data mnist = Mnist.loadData();
        Tensor xTrain = mnist.xTrain().div(255f);
        Tensor xTest = mnist.xTest().div(255f);
        Sequential model = Bench.quickstartModel(seed);
        double[] times = new double[epochs];
        double fit = 0;
        for (int e = 0; e < epochs; e++) {
            long start = System.nanoTime();
            model.fit(xTrain, mnist.yTrain(), FitOptions.epochs(1).verbose(0));
            times[e] = (System.nanoTime() - start) / 1e9;
            fit += times[e];
        }
        EvalResult test = model.evaluate(xTest, mnist.yTest(), 0);
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "fit=%.4f accuracy=%.4f loss=%.4f rss=%d samples=%d", fit, test.accuracy(), test.loss(),
                peakResidentKilobytes(), mnist.xTrain().rows()));
        for (double t : times) {
            line.append(String.format(Locale.ROOT, " epoch=%.4f", t));
        }
        line.append(" kernels=").append(kernels.replace(' ', '_'));
        System.out.println(line);
    }

    /** VmHWM from /proc/self/status (Linux), in kilobytes, or -1. */
    static long peakResidentKilobytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String l : Files.readAllLines(status)) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
