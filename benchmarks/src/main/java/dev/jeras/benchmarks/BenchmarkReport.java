package dev.jeras.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a short profile of the benchmarks (about 6 minutes on 2 cores) and writes
 * {@code docs/benchmarks.md} and {@code docs/benchmarks.svg}: sgemm GFLOP/s per shape and kernels
 * (single thread, and OpenBLAS on 2 threads), and the time and allocation of a Dense layer and of a
 * whole training step. Run from the repository root:
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp benchmarks/target/benchmarks.jar dev.jeras.benchmarks.BenchmarkReport [docs-dir]</pre>
 */
public final class BenchmarkReport {

    static final String COMMAND = "mvn -q package -DskipTests && java --add-modules jdk.incubator.vector "
            + "--enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar dev.jeras.benchmarks.BenchmarkReport";

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        Path docs = Path.of(args.length > 0 ? args[0] : "docs");
        Environment env = Environment.read();
        String[] kernels = env.kernels().keySet().toArray(String[]::new);

        Map<String, Double> single = microseconds(new Runner(profile(1)
                .include(SgemmBenchmark.class.getName()).param("kernels", kernels).build()).run(), "shape");
        Map<String, Double> twoThreads = env.kernels().containsKey("openblas")
                ? microseconds(new Runner(profile(2).include(SgemmBenchmark.class.getName())
                        .param("kernels", "openblas").build()).run(), "shape")
                : Map.of();
        Collection<RunResult> layers = new Runner(profile(1)
                .include(DenseBenchmark.class.getName()).include(TrainStepBenchmark.class.getName())
                .param("kernels", kernels).addProfiler(GCProfiler.class).build()).run();

        Files.createDirectories(docs);
        Files.writeString(docs.resolve("benchmarks.svg"), Chart.svg(env, single));
        Files.writeString(docs.resolve("benchmarks.md"), markdown(env, single, twoThreads, layers));
        System.out.println("wrote " + docs.resolve("benchmarks.md") + " and " + docs.resolve("benchmarks.svg"));
    }

    /** A short profile: one fork, 2 x 0.8 s of warm-up and 3 x 1 s of measurement per configuration. */
    private static ChainedOptionsBuilder profile(int blasThreads) {
        return new OptionsBuilder()
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.milliseconds(800))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(Bench.VECTOR_API, Bench.NATIVE_ACCESS, "-Djeras.blas.threads=" + blasThreads)
                .shouldFailOnError(true);
    }

    /** Microseconds per operation keyed by {@code kernels/param}. */
    private static Map<String, Double> microseconds(Collection<RunResult> results, String param) {
        Map<String, Double> times = new HashMap<>();
        for (RunResult r : results) {
            times.put(r.getParams().getParam("kernels") + "/" + r.getParams().getParam(param), r.getPrimaryResult().getScore());
        }
        return times;
    }

    static double gflops(SgemmBenchmark.Shape shape, Double micros) {
        return micros == null ? Double.NaN : shape.flops() / (micros * 1e3);
    }

    private static String markdown(Environment env, Map<String, Double> single, Map<String, Double> two,
                                   Collection<RunResult> layers) {
        StringBuilder md = new StringBuilder();
        md.append("# jeras benchmarks\n\n")
                .append("Measured ").append(LocalDate.now()).append(" with JMH (one fork, 2 x 0.8 s warm-up, 3 x 1 s measurement: "
                        + "a short profile, so read differences under about 10% as noise).\n\n")
                .append("- Machine: ").append(env.cpu()).append('\n')
                .append("- JDK: ").append(env.jdk()).append('\n')
                .append("- OS: ").append(env.os()).append('\n');
        env.kernels().forEach((name, description) -> md.append("- `").append(name).append("`: ").append(description).append('\n'));
        md.append("\nProduced by:\n\n```sh\n").append(COMMAND).append("\n```\n\n");

        md.append("## sgemm, GFLOP/s (higher is better)\n\n")
                .append("Single thread unless marked. `simd / openblas` compares the two single-threaded. Shapes are the "
                        + "quickstart's own GEMMs at batch 32 and 256 (forward, weight gradients, input gradient), then squares.\n\n")
                .append("| shape | scalar | simd | openblas | simd / openblas | openblas, 2 threads |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Map.Entry<String, SgemmBenchmark.Shape> e : SgemmBenchmark.SHAPES.entrySet()) {
            SgemmBenchmark.Shape s = e.getValue();
            double scalar = gflops(s, single.get("scalar/" + e.getKey()));
            double simd = gflops(s, single.get("simd/" + e.getKey()));
            double blas = gflops(s, single.get("openblas/" + e.getKey()));
            double blas2 = gflops(s, two.get("openblas/" + e.getKey()));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", s.label(),
                    number(scalar), number(simd), number(blas), ratio(simd / blas), number(blas2)));
        }
        md.append("\n![sgemm GFLOP/s by shape and kernels](benchmarks.svg)\n\n");

        md.append("## A layer and a whole training step, batch 32\n\n")
                .append("`Dense` is Dense(784 -> 128, relu) forward and backward; `TrainStep` is one `trainOnBatch` of the "
                        + "quickstart model (forward with dropout, loss, backward, Adam). Allocation from JMH's `-prof gc` "
                        + "(`gc.alloc.rate.norm`). Every benchmark, the bare sgemm included, shows JMH's own background "
                        + "allocation of about 7 KB/s spread over its operations, so a figure of a few bytes means nothing is "
                        + "allocated per operation: the smallest Java object is 16 bytes.\n\n")
                .append("| benchmark | kernels | us/op | bytes allocated/op |\n| --- | --- | ---: | ---: |\n");
        List<RunResult> sorted = new ArrayList<>(layers);
        sorted.sort((x, y) -> (x.getParams().getBenchmark() + x.getParams().getParam("kernels"))
                .compareTo(y.getParams().getBenchmark() + y.getParams().getParam("kernels")));
        for (RunResult r : sorted) {
            String benchmark = r.getParams().getBenchmark();
            String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s |%n", name.replace("Benchmark", ""),
                    r.getParams().getParam("kernels"), r.getPrimaryResult().getScore(), allocation(r)));
        }
        return md.toString();
    }

    private static String allocation(RunResult r) {
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                return String.format(Locale.ROOT, "%.1f", e.getValue().getScore());
            }
        }
        return "n/a";
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2fx", v);
    }

    /** Where the figures were taken: CPU, JDK, OS and the kernels that loaded. */
    record Environment(String cpu, String jdk, String os, Map<String, String> kernels) {

        static Environment read() throws IOException {
            String cpu = "unknown CPU";
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (Files.isReadable(cpuinfo)) {
                List<String> lines = Files.readAllLines(cpuinfo);
                String model = field(lines, "model name");
                String flags = " " + field(lines, "flags") + " ";
                String vector = flags.contains(" avx512f ") ? "AVX-512" : flags.contains(" avx2 ") ? "AVX2" : "no AVX2";
                cpu = model + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + vector
                        + (flags.contains(" fma ") ? " + FMA" : "");
            }
            String jdk = System.getProperty("java.vm.vendor") + " " + Runtime.version();
            String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
            Map<String, String> kernels = new java.util.LinkedHashMap<>();
            for (String name : List.of("scalar", "simd", "openblas")) {
                try {
                    kernels.put(name, Bench.kernels(name).name());
                } catch (IllegalStateException e) {
                    System.err.println("not benchmarked: " + e.getMessage());
                }
            }
            return new Environment(cpu, jdk, os, kernels);
        }

        private static String field(List<String> lines, String name) {
            try (Stream<String> s = lines.stream()) {
                return s.filter(l -> l.startsWith(name)).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("");
            }
        }
    }
}
