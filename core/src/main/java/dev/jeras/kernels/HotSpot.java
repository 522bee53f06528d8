package dev.jeras.kernels;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

/**
 * What the running JVM's JIT will do for Vector API code, read once from HotSpot's own flags (as
 * Lucene's {@code Constants} does): whether C2 compiles at all (without it every vector is a heap
 * object and SIMD code runs many times slower than scalar code), and whether {@code UseFMA} is on
 * (without it {@code FloatVector.fma} is emulated in software).
 */
final class HotSpot {

    /** Why C2 will not compile here ({@code -XX:TieredStopAtLevel=1}, {@code -Xint}, ...), or null when it will. */
    static final String NO_C2;
    /** Whether HotSpot compiles fused multiply-add to the CPU's instruction. */
    static final boolean USE_FMA;

    static {
        String vmInfo = System.getProperty("java.vm.info", "");
        HotSpotDiagnosticMXBean flags = diagnosticBean();
        String noC2 = null;
        if (vmInfo.contains("interpreted mode")) {
            noC2 = "the JVM runs interpreted only (-Xint)";
        } else if (vmInfo.contains("emulated-client")) {
            noC2 = "the JVM runs without its C2 compiler (-XX:TieredStopAtLevel=1 or a quick-only compilation mode)";
        } else if (flags != null) {
            int stopAt = option(flags, "TieredStopAtLevel").map(Integer::parseInt).orElse(4);
            boolean tiered = option(flags, "TieredCompilation").map(Boolean::parseBoolean).orElse(true);
            if (tiered && stopAt < 4) {
                noC2 = "the JVM stops compiling at tier " + stopAt + " (-XX:TieredStopAtLevel=" + stopAt + "), before C2";
            }
        }
        NO_C2 = noC2;
        USE_FMA = flags == null
                ? "aarch64".equals(System.getProperty("os.arch"))
                : option(flags, "UseFMA").map(Boolean::parseBoolean).orElse(false);
    }

    /** The window over which the JIT compiler's activity is measured. */
    static final long JIT_WINDOW_NANOS = 250_000_000L;

    private static final CompilationMXBean JIT = jit();
    private static long windowStart;
    private static long windowCompileMillis = -1;
    private static boolean quiet;

    private HotSpot() {
    }

    private static CompilationMXBean jit() {
        try {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Whether the JIT compiler has gone quiet: it compiled for less than a tenth of the last
     * {@link #JIT_WINDOW_NANOS} (it never stops altogether; during warm-up it compiles all the time).
     * Once quiet, always quiet. True where the JVM does not say.
     */
    static synchronized boolean jitQuiet() {
        if (JIT == null || quiet) {
            return true;
        }
        long now = System.nanoTime();
        if (windowCompileMillis < 0) {
            windowStart = now;
            windowCompileMillis = JIT.getTotalCompilationTime();
            return false;
        }
        long elapsed = now - windowStart;
        if (elapsed >= JIT_WINDOW_NANOS) {
            long compiling = JIT.getTotalCompilationTime() - windowCompileMillis;
            quiet = compiling * 1_000_000L * 10 < elapsed;
            windowStart = now;
            windowCompileMillis += compiling;
        }
        return quiet;
    }

    private static HotSpotDiagnosticMXBean diagnosticBean() {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            return null; // not HotSpot, or jdk.management left out of the runtime image: assume the defaults
        }
    }

    private static Optional<String> option(HotSpotDiagnosticMXBean flags, String name) {
        try {
            return Optional.of(flags.getVMOption(name)).map(VMOption::getValue);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // this JVM has no such flag
        }
    }
}
