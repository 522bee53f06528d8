package dev.jeras.blas;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.jeras.kernels.KernelSelector;

/**
 * The binding to {@code cblas_sgemm}: which library was found, the downcall handle, and what the
 * library says about itself. Loaded once per JVM from {@code -Djeras.blas.library} or
 * {@code JERAS_BLAS_LIBRARY} when set, otherwise from the first of {@link #CANDIDATES} that loads.
 *
 * <pre>{@code
 * void cblas_sgemm(const enum CBLAS_ORDER Order, const enum CBLAS_TRANSPOSE TransA,
 *                  const enum CBLAS_TRANSPOSE TransB, const blasint M, const blasint N, const blasint K,
 *                  const float alpha, const float *A, const blasint lda, const float *B, const blasint ldb,
 *                  const float beta, float *C, const blasint ldc);
 * }</pre>
 *
 * {@code blasint} is a 32-bit int in the LP64 builds distributions ship (not ILP64 builds).
 */
final class Cblas {

    /** {@code CBLAS_ORDER.CblasRowMajor}. */
    static final int ROW_MAJOR = 101;
    /** {@code CBLAS_TRANSPOSE.CblasNoTrans}. */
    static final int NO_TRANS = 111;
    /** {@code CBLAS_TRANSPOSE.CblasTrans}. */
    static final int TRANS = 112;

    static final String LIBRARY_PROPERTY = "jeras.blas.library";
    static final String LIBRARY_ENV = "JERAS_BLAS_LIBRARY";
    static final String THREADS_PROPERTY = "jeras.blas.threads";
    static final String INSTALL_HINT = "install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0-pthread; "
            + "macOS: brew install openblas) or point -D" + LIBRARY_PROPERTY + " at it";

    /** Library names tried in order when none is configured. */
    static final List<String> CANDIDATES = System.getProperty("os.name", "").startsWith("Mac")
            ? List.of("libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib")
            : List.of("libopenblas.so.0", "libopenblas.so", "libcblas.so.3");

    private static final FunctionDescriptor SGEMM = FunctionDescriptor.ofVoid(
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
            JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
            JAVA_FLOAT, ADDRESS, JAVA_INT);

    /** A loaded library: its sgemm handle and a description such as {@code openblas(0.3.21, Zen, 2 threads)}. */
    record Binding(String library, MethodHandle sgemm, String description) {
    }

    /** The outcome of a load: a binding, or the reason there is none (with the fix). */
    record Result(Binding binding, String reason) {
    }

    /** The JVM's binding, from its configuration. */
    static final Result LOADED = load(configuredLibrary(), configuredThreads());

    /**
     * The handle as a constant: C2 inlines a {@code static final} handle's critical downcall, so the
     * heap segments passed to it need not be allocated. Null when no library loaded.
     */
    static final MethodHandle SGEMM_HANDLE = LOADED.binding() == null ? null : LOADED.binding().sgemm();

    private Cblas() {
    }

    /** The library named by the system property or, failing that, the environment; null for automatic. */
    static String configuredLibrary() {
        String property = System.getProperty(LIBRARY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property.trim();
        }
        String env = System.getenv(LIBRARY_ENV);
        return env == null || env.isBlank() ? null : env.trim();
    }

    /**
     * OpenBLAS's thread count: {@code -Djeras.blas.threads} when set; otherwise 1 when jeras splits
     * GEMMs over its own threads (two pools of busy threads on the same cores only compete), and
     * OpenBLAS's default (null) when jeras runs on one thread.
     */
    static String configuredThreads() {
        String property = System.getProperty(THREADS_PROPERTY);
        if (property != null) {
            return property;
        }
        try {
            return KernelSelector.configuredThreads() > 1 ? "1" : null;
        } catch (IllegalArgumentException e) {
            return null; // a bad -Djeras.threads is reported by the kernel selection itself
        }
    }

    /** Loads {@code library} (a path or a name for the dynamic loader), or the first candidate that loads when null. */
    static Result load(String library, String threads) {
        Integer threadCount = null;
        if (threads != null && !threads.isBlank()) {
            try {
                threadCount = Integer.parseInt(threads.trim());
            } catch (NumberFormatException e) {
                threadCount = 0;
            }
            if (threadCount < 1) {
                return new Result(null, "-D" + THREADS_PROPERTY + " must be a positive integer, received '" + threads + "'");
            }
        }
        List<String> names = library != null ? List.of(library) : CANDIDATES;
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                failures.add(name + " cannot be loaded (" + e.getMessage() + ")");
                continue;
            }
            Optional<MemorySegment> sgemm = lookup.find("cblas_sgemm");
            if (sgemm.isEmpty()) {
                failures.add(name + " loads but has no cblas_sgemm symbol, so it is not a CBLAS library");
                continue;
            }
            MethodHandle handle = Linker.nativeLinker().downcallHandle(sgemm.get(), SGEMM, Linker.Option.critical(true));
            return new Result(new Binding(name, handle, describe(lookup, name, threadCount)), null);
        }
        return new Result(null, String.join("; ", failures) + "; " + INSTALL_HINT);
    }

    /** {@code openblas(0.3.21, Zen, 2 threads)} from OpenBLAS's own functions, or {@code cblas(name)} for another CBLAS. */
    private static String describe(SymbolLookup lookup, String name, Integer threads) {
        Optional<MemorySegment> config = lookup.find("openblas_get_config");
        if (config.isEmpty()) {
            return "cblas(" + name + ")";
        }
        Linker linker = Linker.nativeLinker();
        try {
            if (threads != null) {
                Optional<MemorySegment> set = lookup.find("openblas_set_num_threads");
                if (set.isPresent()) {
                    linker.downcallHandle(set.get(), FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact((int) threads);
                }
            }
            String[] version = cString(linker, config.get()).split(" "); // "OpenBLAS 0.3.21 DYNAMIC_ARCH ..."
            String core = lookup.find("openblas_get_corename").map(f -> cString(linker, f)).orElse("unknown core");
            String count = lookup.find("openblas_get_num_threads").map(f -> threadCount(linker, f)).orElse("?");
            return String.format(Locale.ROOT, "openblas(%s, %s, %s %s)", version.length > 1 ? version[1] : version[0],
                    core, count, count.equals("1") ? "thread" : "threads");
        } catch (Throwable e) {
            // A library whose metadata functions misbehave still serves sgemm; describe it plainly.
            return "openblas(" + name + ", " + e + ")";
        }
    }

    private static String cString(Linker linker, MemorySegment function) {
        try {
            MemorySegment s = (MemorySegment) linker.downcallHandle(function, FunctionDescriptor.of(ADDRESS)).invokeExact();
            return s.reinterpret(1024).getString(0);
        } catch (Throwable e) {
            throw new IllegalStateException("calling a metadata function failed", e);
        }
    }

    private static String threadCount(Linker linker, MemorySegment function) {
        try {
            return Integer.toString((int) linker.downcallHandle(function, FunctionDescriptor.of(JAVA_INT)).invokeExact());
        } catch (Throwable e) {
            throw new IllegalStateException("calling openblas_get_num_threads failed", e);
        }
    }
}
