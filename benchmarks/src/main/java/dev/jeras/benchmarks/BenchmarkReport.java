package dev.jeras.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.jeras.optimizers.Adam;

/**
 * Runs the benchmarks in a short profile (about ten minutes on 2 cores) and writes
 * {@code docs/benchmarks.md} and {@code docs/benchmarks.svg}: the machine's FMA peak, the quickstart's
 * 5-epoch fit end to end (fresh JVMs, MNIST from {@code JERAS_DATA}), sgemm GFLOP/s per shape and
 * kernels on 1 and 2 threads, the element-wise passes, and a whole training step. Run from the
 * repository root after {@code mvn package}:
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp benchmarks/target/benchmarks.jar dev.jeras.benchmarks.BenchmarkReport [docs-dir]</pre>
 */
public final class BenchmarkReport {

    static final String COMMAND = "mvn -q package -DskipTests && java --add-modules jdk.incubator.vector "
            + "--enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar dev.jeras.benchmarks.BenchmarkReport";

    /** The end-to-end configurations: a label and the JVM flags that make it. */
    static final Map<String, List<String>> FIT_CONFIGS = fitConfigs();

    private static Map<String, List<String>> fitConfigs() {
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("default", List.of());
        c.put("simd, 1 thread", List.of("-Djeras.kernels=simd", "-Djeras.threads=1"));
        c.put("simd, 2 threads", List.of("-Djeras.kernels=simd", "-Djeras.threads=2"));
        c.put("openblas, 1 thread", List.of("-Djeras.kernels=openblas", "-Djeras.threads=1", "-Djeras.blas.threads=1"));
        c.put("openblas, 2 threads", List.of("-Djeras.kernels=openblas", "-Djeras.threads=2"));
        return c;
    }

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        Path docs = Path.of(args.length > 0 ? args[0] : "docs");
        Environment env = Environment.read();
        boolean blas = env.kernels().containsKey("openblas");

        double peak1 = fmaPeak(1);
        double peak2 = fmaPeak(2);
        Map<String, Fit> fits = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> c : FIT_CONFIGS.entrySet()) {
            if (blas || !c.getKey().startsWith("openblas")) {
                fits.put(c.getKey(), Fit.run(c.getValue(), 1));
            }
        }
        List<Fit> seeds = List.of(fits.get("default"), Fit.run(List.of(), 2), Fit.run(List.of(), 3));
        Quickstart quickstart = Quickstart.run();

        String[] kernels = blas ? new String[] {"simd", "openblas"} : new String[] {"simd"};
        Map<String, Double> sgemm = new HashMap<>();
        Map<String, Double> elementwise = new HashMap<>();
        List<RunResult> steps = new ArrayList<>();
        for (int threads = 1; threads <= 2; threads++) {
            collect(sgemm, new Runner(profile(threads).include(SgemmBenchmark.class.getName())
                    .param("kernels", kernels).build()).run(), "shape", threads);
            collect(elementwise, new Runner(profile(threads).include(ElementwiseBenchmark.class.getName())
                    .build()).run(), "batch", threads);
            String[] stepKernels = threads == 1 ? concat("scalar", kernels) : kernels;
            // A whole step settles later than a single kernel: C2 recompiles the step's code for a few
            // seconds, allocating while it runs uncompiled, so this one warms up for 6 s.
            steps.addAll(new Runner(profile(threads).warmupIterations(6).warmupTime(TimeValue.seconds(1))
                    .include(TrainStepBenchmark.class.getName())
                    .param("kernels", stepKernels).addProfiler(GCProfiler.class).build()).run());
        }

        Report report = new Report(env, peak1, peak2, fits, seeds, quickstart, sgemm, elementwise, steps);
        Files.createDirectories(docs);
        Files.writeString(docs.resolve("benchmarks.svg"), Chart.svg(report));
        Files.writeString(docs.resolve("benchmarks.md"), report.markdown());
        System.out.println("wrote " + docs.resolve("benchmarks.md") + " and " + docs.resolve("benchmarks.svg"));
    }

    /** Everything one run measured. */
    record Report(Environment env, double peak1, double peak2, Map<String, Fit> fits, List<Fit> seeds, Quickstart quickstart,
                  Map<String, Double> sgemm, Map<String, Double> elementwise, List<RunResult> steps) {

        /** Useful GFLOP/s sustained over the fit. */
        double gflops(Fit fit) {
            return (double) fit.samples() * fit.epochs().size() * FitRun.FLOP_PER_SAMPLE / fit.seconds() / 1e9;
        }

        String markdown() {
            StringBuilder md = new StringBuilder();
            md.append("# jeras benchmarks\n\n")
                    .append("Measured ").append(LocalDate.now()).append(" in one run of the command below. JMH runs one fork, "
                            + "2 x 0.8 s of warm-up and 3 x 1 s of measurement: a short profile, so read differences under "
                            + "about 10% as noise (these VMs are noisy).\n\n")
                    .append("- CPU: ").append(env.cpu()).append('\n')
                    .append("- JDK: ").append(env.jdk()).append('\n')
                    .append("- OS: ").append(env.os()).append('\n');
            env.kernels().forEach((name, description) -> md.append("- `").append(name).append("`: ").append(description).append('\n'));
            if (env.openblasCoretype() != null) {
                md.append("- OpenBLAS core type forced by the environment: `OPENBLAS_CORETYPE=").append(env.openblasCoretype())
                        .append("`\n");
            }
            md.append("\nProduced by:\n\n```sh\n").append(COMMAND).append("\n```\n\n");

            md.append("## FP32 FMA peak\n\n")
                    .append(String.format(Locale.ROOT, "Vector API, twelve independent accumulators (`FmaPeakBenchmark`): "
                            + "**%.1f GFLOP/s on 1 thread, %.1f on 2** (%.2fx). Every GFLOP/s figure below can be read "
                            + "against these.%n%n", peak1, peak2, peak2 / peak1));

            md.append("## The quickstart, end to end\n\n")
                    .append("Five epochs of the quickstart's `fit` (60,000 MNIST images, batch 32, Adam), each configuration "
                            + "in a fresh JVM with default flags (`FitRun`, MNIST from `JERAS_DATA`; the five epochs are timed "
                            + "one `fit(epochs=1)` at a time). Useful work: 409,088 FLOP per sample (both forward GEMMs, both "
                            + "weight gradients and the hidden layer's input gradient), 122.7 GFLOP for five epochs. "
                            + "\"Peak RSS\" is the process's VmHWM at the end.\n\n")
                    .append("| configuration | fit, s | epoch 1, s | epochs 2-5, s each | epoch 1 / later | GFLOP/s | "
                            + "of 2-core peak | peak RSS, MB | test accuracy |\n")
                    .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (Map.Entry<String, Fit> e : fits.entrySet()) {
                Fit f = e.getValue();
                md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.3f | %.2fx | %.1f | %.0f%% | %d | %.4f |%n",
                        e.getKey(), f.seconds(), f.epochs().get(0), f.later(), f.epochs().get(0) / f.later(), gflops(f),
                        100 * gflops(f) / peak2, f.rssKilobytes() / 1024, f.accuracy()));
            }
            Fit simd1 = fits.get("simd, 1 thread");
            Fit simd2 = fits.get("simd, 2 threads");
            md.append(String.format(Locale.ROOT, "%nTwo threads against one (simd): %.2fx over the whole fit, %.2fx on the later epochs. "
                    + "The default runs `%s`.%n%n", simd1.seconds() / simd2.seconds(), simd1.later() / simd2.later(),
                    fits.get("default").kernels()));
            md.append("Test accuracy of the default configuration after five epochs, seeds 1, 2, 3: ");
            for (int i = 0; i < seeds.size(); i++) {
                md.append(String.format(Locale.ROOT, "%s%.4f", i == 0 ? "" : ", ", seeds.get(i).accuracy()));
            }
            md.append(".\n\n");
            md.append(String.format(Locale.ROOT, "The README's quickstart (`java --add-modules jdk.incubator.vector -jar "
                    + "examples/target/quickstart.jar`, default flags, MNIST from `JERAS_DATA`) ran in %.2f s, of which its "
                    + "fit took %.2f s: %.2f s for everything else (JVM start, loading and checking MNIST, the untrained "
                    + "model, evaluation, printing).%n%n", quickstart.wall(), quickstart.fit(), quickstart.wall() - quickstart.fit()));
            md.append("Why the first epoch costs several later ones, and what was tried against it: [warm-up.md](warm-up.md).\n\n");

            md.append("## sgemm, GFLOP/s (higher is better)\n\n")
                    .append("`simd / openblas` compares the two on one thread. On two threads jeras splits each GEMM "
                            + "(`-Djeras.threads=2`) and OpenBLAS runs each block on one thread, as it does in training. "
                            + "Shapes are the quickstart's own GEMMs at batch 32 and 256 (forward, weight gradients, input "
                            + "gradient), then squares.\n\n")
                    .append("| shape | simd | openblas | simd / openblas | simd, 2 threads | openblas, 2 threads | simd 2 / 1 threads |\n")
                    .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (Map.Entry<String, SgemmBenchmark.Shape> e : SgemmBenchmark.SHAPES.entrySet()) {
                SgemmBenchmark.Shape s = e.getValue();
                double simd = BenchmarkReport.gflops(s, sgemm.get("1/simd/" + e.getKey()));
                double blas = BenchmarkReport.gflops(s, sgemm.get("1/openblas/" + e.getKey()));
                double simd2t = BenchmarkReport.gflops(s, sgemm.get("2/simd/" + e.getKey()));
                double blas2t = BenchmarkReport.gflops(s, sgemm.get("2/openblas/" + e.getKey()));
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", s.label(), number(simd), number(blas),
                        ratio(simd / blas), number(simd2t), number(blas2t), ratio(simd2t / simd)));
            }
            md.append("\n![fit times and sgemm GFLOP/s](benchmarks.svg)\n\n");

            md.append("## Element-wise passes, microseconds (lower is better)\n\n")
                    .append("`ElementwiseBenchmark` on the SIMD kernels: Adam over the first layer's 100,352 weights; the batch "
                            + "gather of 784-byte images from 60,000 random rows (from memory, as in training); bias, ReLU and "
                            + "dropout over the hidden layer.\n\n")
                    .append("| pass | batch | 1 thread | 2 threads | 1 / 2 |\n| --- | ---: | ---: | ---: | ---: |\n");
            for (String pass : List.of("adam", "gather", "biasReluDropout")) {
                for (String batch : List.of("32", "256")) {
                    Double one = elementwise.get("1/" + pass + "/" + batch);
                    Double two = elementwise.get("2/" + pass + "/" + batch);
                    if (one != null && two != null) {
                        md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2fx |%n", pass, batch, one, two, one / two));
                    }
                }
            }

            md.append("\n## A whole training step, batch 32\n\n")
                    .append("`TrainStep` is one `trainOnBatch` of the quickstart model (forward with dropout, loss, backward, "
                            + "Adam), after 6 s of warm-up. Allocation from JMH's `-prof gc` (`gc.alloc.rate.norm`): JMH itself allocates a few "
                            + "kilobytes a second, spread over its operations, so a figure of a few bytes means nothing is "
                            + "allocated per step (the smallest Java object is 16 bytes).\n\n")
                    .append("| kernels | threads | us/step | bytes allocated/step |\n| --- | ---: | ---: | ---: |\n");
            for (RunResult r : steps) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s |%n", r.getParams().getParam("kernels"),
                        threadsOf(r), r.getPrimaryResult().getScore(), allocation(r)));
            }
            return md.toString();
        }
    }

    private static String threadsOf(RunResult r) {
        for (String arg : r.getParams().getJvmArgs()) {
            if (arg.startsWith("-Djeras.threads=")) {
                return arg.substring("-Djeras.threads=".length());
            }
        }
        return "?";
    }

    /**
     * A short profile: one fork, 2 x 0.8 s of warm-up and 3 x 1 s of measurement, on {@code threads}
     * jeras threads and OpenBLAS on one (on two, jeras splits the GEMM and OpenBLAS runs each block).
     */
    private static ChainedOptionsBuilder profile(int threads) {
        return new OptionsBuilder()
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.milliseconds(800))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(Bench.VECTOR_API, Bench.NATIVE_ACCESS, "-Djeras.threads=" + threads, "-Djeras.blas.threads=1")
                .shouldFailOnError(true);
    }

    private static double fmaPeak(int threads) throws RunnerException {
        RunResult r = new Runner(profile(1).include(FmaPeakBenchmark.class.getName()).threads(threads).build()).run().iterator().next();
        return FmaPeakBenchmark.gflops(r.getPrimaryResult().getScore());
    }

    /** Scores keyed by {@code threads/kernels-or-benchmark/param}. */
    private static void collect(Map<String, Double> into, Collection<RunResult> results, String param, int threads) {
        for (RunResult r : results) {
            String kernels = r.getParams().getParam("kernels");
            String benchmark = r.getParams().getBenchmark();
            String what = kernels != null ? kernels : benchmark.substring(benchmark.lastIndexOf('.') + 1);
            into.put(threads + "/" + what + "/" + r.getParams().getParam(param), r.getPrimaryResult().getScore());
        }
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static double gflops(SgemmBenchmark.Shape shape, Double micros) {
        return micros == null ? Double.NaN : shape.flops() / (micros * 1e3);
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

    /** This JVM's java command, and the class path for child JVMs. */
    private static List<String> java(List<String> flags) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules");
        command.add("jdk.incubator.vector");
        command.add(Bench.NATIVE_ACCESS);
        command.addAll(flags);
        return command;
    }

    private static String runChild(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("child JVM failed: " + String.join(" ", command) + "\n" + out);
        }
        return out;
    }

    /** One end-to-end fit, from {@link FitRun}'s line. */
    record Fit(double seconds, List<Double> epochs, double accuracy, long rssKilobytes, int samples, String kernels) {

        static Fit run(List<String> flags, long seed) throws IOException, InterruptedException {
            List<String> command = java(flags);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(FitRun.class.getName());
            command.add(Long.toString(seed));
            String out = runChild(command);
            String line = out.lines().filter(l -> l.startsWith("fit=")).findFirst()
                    .orElseThrow(() -> new IOException("FitRun printed no result:\n" + out));
            Map<String, String> values = new HashMap<>();
            List<Double> epochs = new ArrayList<>();
            for (String pair : line.split(" ")) {
                String[] kv = pair.split("=", 2);
                if (kv[0].equals("epoch")) {
                    epochs.add(Double.parseDouble(kv[1]));
                } else {
                    values.put(kv[0], kv[1]);
                }
            }
            System.out.println(flags + " seed " + seed + ": " + line);
            return new Fit(Double.parseDouble(values.get("fit")), epochs, Double.parseDouble(values.get("accuracy")),
                    Long.parseLong(values.get("rss")), Integer.parseInt(values.get("samples")), values.get("kernels").replace('_', ' '));
        }

        /** The mean time of the epochs after the first. */
        double later() {
            return epochs.subList(1, epochs.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }

    /** The README's quickstart jar, timed from launch to exit, with the fit time it prints. */
    record Quickstart(double wall, double fit) {

        private static final Pattern FIT = Pattern.compile("fit: \\d+ epochs in ([0-9.]+) s");

        static Quickstart run() throws IOException, InterruptedException {
            List<String> command = java(List.of());
            command.add("-jar");
            command.add("examples/target/quickstart.jar");
            long start = System.nanoTime();
            String out = runChild(command);
            double wall = (System.nanoTime() - start) / 1e9;
            Matcher m = FIT.matcher(out);
            if (!m.find()) {
                throw new IOException("the quickstart printed no fit time:\n" + out);
            }
            return new Quickstart(wall, Double.parseDouble(m.group(1)));
        }
    }

    /** Where the figures were taken: CPU, JDK, OS and the kernels that loaded. */
    record Environment(String cpu, String jdk, String os, Map<String, String> kernels, String openblasCoretype) {

        static Environment read() throws IOException {
            String cpu = "unknown CPU";
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (Files.isReadable(cpuinfo)) {
                List<String> lines = Files.readAllLines(cpuinfo);
                String model = field(lines, "model name");
                String family = field(lines, "cpu family");
                String flags = " " + field(lines, "flags") + " ";
                String vector = flags.contains(" avx512f ") ? "AVX-512" : flags.contains(" avx2 ") ? "AVX2" : "no AVX2";
                cpu = model + " (family " + family + ", model " + field(lines, "model") + "), "
                        + Runtime.getRuntime().availableProcessors() + " vCPUs, " + vector + (flags.contains(" fma ") ? " + FMA" : "");
            }
            String jdk = System.getProperty("java.vm.vendor") + " " + Runtime.version();
            String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
            Map<String, String> kernels = new LinkedHashMap<>();
            for (String name : List.of("scalar", "simd", "openblas")) {
                try {
                    kernels.put(name, Bench.kernels(name).name());
                } catch (IllegalStateException e) {
                    System.err.println("not benchmarked: " + e.getMessage());
                }
            }
            String coretype = System.getenv("OPENBLAS_CORETYPE");
            return new Environment(cpu, jdk, os, kernels, coretype == null || coretype.isBlank() ? null : coretype);
        }

        private static String field(List<String> lines, String name) {
            try (Stream<String> s = lines.stream()) {
                return s.filter(l -> l.startsWith(name + "\t") || l.startsWith(name + " ")).findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("");
            }
        }
    }
}
