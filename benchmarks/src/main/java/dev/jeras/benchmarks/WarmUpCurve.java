package dev.jeras.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;

import dev.jeras.Tensor;
import dev.jeras.callbacks.Callback;
import dev.jeras.datasets.Mnist;
import dev.jeras.kernels.Kernels;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Sequential;

/**
 * Where the quickstart's first epoch goes: its steps timed in groups (the first ten one by one, then
 * in tens, then in hundreds), beside the JIT's compile time and the garbage collections so far. From a
 * fresh JVM with default flags, MNIST from {@code JERAS_DATA}; {@code -Djeras.kernels} and
 * {@code -Djeras.threads} as usual. See docs/warm-up.md for what it showed.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.jeras.benchmarks.WarmUpCurve [epochs]</pre>
 */
public final class WarmUpCurve {

    private WarmUpCurve() {
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        System.out.println("kernels: " + Kernels.active().name());
        Mnist.Data mnist = Mnist.loadData();
        Tensor x = mnist.xTrain().div(255f);
        Sequential model = Bench.quickstartModel(1);

        int steps = epochs * ((x.rows() + 31) / 32);
        long[] ends = new long[steps];
        long[] compileMillis = new long[steps];
        int[] done = new int[1];
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        Callback timer = new Callback() {
            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
                if (done[0] < ends.length) {
                    ends[done[0]] = System.nanoTime();
                    compileMillis[done[0]++] = jit.getTotalCompilationTime();
                }
            }
        };
        long gcCount = gcCount();
        long compileStart = jit.getTotalCompilationTime();
        long start = System.nanoTime();
        model.fit(x, mnist.yTrain(), FitOptions.epochs(epochs).verbose(0).callbacks(timer));

        System.out.println("steps       ms/step   JIT compile ms (cumulative)");
        int from = 0;
        long previous = start;
        while (from < done[0]) {
            int size = from < 10 ? 1 : from < 100 ? 10 : from < 1000 ? 100 : 1000;
            int to = Math.min(done[0], from + size);
            System.out.printf(Locale.ROOT, "%5d-%-5d %9.3f   %d%n", from + 1, to, (ends[to - 1] - previous) / 1e6 / (to - from),
                    compileMillis[to - 1] - compileStart);
            previous = ends[to - 1];
            from = to;
        }
        System.out.printf(Locale.ROOT, "fit %.2f s; garbage collections during it: %d%n", (System.nanoTime() - start) / 1e9,
                gcCount() - gcCount);
    }

    private static long gcCount() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }
}
