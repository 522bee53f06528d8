package dev.jeras.kernels;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Chooses the kernels for this JVM, once, in a fixed order, and explains the choice.
 *
 * <p>{@code -Djeras.kernels=NAME} forces a choice ({@code scalar}, {@code simd} or a provider's name);
 * a forced choice that cannot be honoured is an error, never a silent fallback. Otherwise the first
 * {@link KernelsProvider} that loads wins, then {@link SimdKernels} when {@code jdk.incubator.vector}
 * is in the boot layer, then {@link ScalarKernels}.
 */
public final class KernelSelector {

    /** The system property that forces a choice. */
    public static final String PROPERTY = "jeras.kernels";
    /** The system property that sets how many threads the kernels use (default: the available processors). */
    public static final String THREADS_PROPERTY = "jeras.threads";

    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String VECTOR_HINT = "start java with --add-modules " + VECTOR_MODULE;

    private static final System.Logger LOG = System.getLogger(KernelSelector.class.getName());

    /**
     * The outcome of a selection: the kernels (null when a forced choice failed), and a one-line
     * reason, which for a failure says what went wrong and how to fix it.
     */
    public record Selection(Kernels kernels, String reason) {

        /** The chosen kernels; throws {@link IllegalStateException} with the reason if the choice failed. */
        @Override
        public Kernels kernels() {
            if (kernels == null) {
                throw new IllegalStateException(reason);
            }
            return kernels;
        }

        /** One line for a console: the kernels' name and why they were chosen. */
        @Override
        public String toString() {
            return kernels == null ? "no kernels: " + reason : kernels.name() + " (" + reason + ")";
        }
    }

    /** Lazily computed, cached selection for {@link Kernels#active()}. */
    static final class Holder {
        static final Selection SELECTION = logged(select(System.getProperty(PROPERTY), loadProviders()));

        private Holder() {
        }
    }

    private KernelSelector() {
    }

    /**
     * Selects kernels given the forced name (null or blank for automatic) and the available providers.
     * A bad {@code -Djeras.threads} or {@code -Djeras.simd.bits} makes the selection an error that
     * names the property, never an {@link ExceptionInInitializerError}.
     */
    public static Selection select(String forced, List<KernelsProvider> providers) {
        try {
            if (forced != null && !forced.isBlank()) {
                return selectForced(forced.trim().toLowerCase(Locale.ROOT), providers);
            }
            return selectAutomatic(providers);
        } catch (IllegalArgumentException e) {
            return new Selection(null, e.getMessage());
        }
    }

    private static Selection selectAutomatic(List<KernelsProvider> providers) {
        List<String> refusals = new ArrayList<>();
        for (KernelsProvider provider : providers) {
            try {
                return new Selection(provider.load(false), "first available provider");
            } catch (KernelsUnavailableException e) {
                refusals.add(provider.name() + " unavailable: " + e.getMessage());
            }
        }
        String why = refusals.isEmpty() ? "" : String.join("; ", refusals) + "; ";
        String noSimd = simdUnavailable();
        if (noSimd == null) {
            return new Selection(new SimdKernels(), why + "Vector API available");
        }
        return new Selection(new ScalarKernels(), why + noSimd + "; until then jeras runs slow scalar code");
    }

    private static Selection selectForced(String forced, List<KernelsProvider> providers) {
        String how = "forced by -D" + PROPERTY + "=" + forced;
        switch (forced) {
            case "scalar":
                configuredThreads(); // a bad -Djeras.threads is an error whatever the kernels
                return new Selection(new ScalarKernels(), how);
            case "simd":
                String noSimd = simdUnavailable();
                if (noSimd != null) {
                    return new Selection(null, "-D" + PROPERTY + "=simd cannot be honoured: " + noSimd);
                }
                return new Selection(new SimdKernels(), how);
            default:
                break;
        }
        List<String> names = new ArrayList<>(List.of("scalar", "simd"));
        for (KernelsProvider provider : providers) {
            if (provider.name().equalsIgnoreCase(forced)) {
                try {
                    return new Selection(provider.load(true), how);
                } catch (KernelsUnavailableException e) {
                    return new Selection(null, "-D" + PROPERTY + "=" + forced + " cannot be honoured: " + e.getMessage());
                }
            }
            names.add(provider.name());
        }
        return new Selection(null, "-D" + PROPERTY + "=" + forced + " names no kernels on this class path; choose one of "
                + names + (forced.equals("openblas") ? " (openblas needs the jeras-blas module on the path)" : ""));
    }

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * Why the SIMD kernels cannot run well in this JVM, with the fix, or null when they can: the
     * Vector API module must be loaded and C2 must compile it (Lucene refuses it on C1 alone too).
     */
    public static String simdUnavailable() {
        if (!vectorModulePresent()) {
            return VECTOR_MODULE + " is not loaded: " + VECTOR_HINT;
        }
        if (HotSpot.NO_C2 != null) {
            return "the Vector API needs HotSpot's C2 compiler, but " + HotSpot.NO_C2;
        }
        return null;
    }

    /**
     * The thread count from {@code -Djeras.threads}, or the available processors when it is not set.
     *
     * @throws IllegalArgumentException naming the property when it is not a positive integer
     */
    public static int configuredThreads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return Math.min(Runtime.getRuntime().availableProcessors(), 256);
        }
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads >= 1 && threads <= 256) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + THREADS_PROPERTY + " must be a whole number of threads from 1 to 256, received '"
                + value + "'");
    }

    private static List<KernelsProvider> loadProviders() {
        List<KernelsProvider> providers = new ArrayList<>();
        ServiceLoader.load(KernelsProvider.class).forEach(providers::add);
        return providers;
    }

    private static Selection logged(Selection selection) {
        if (selection.kernels == null) {
            LOG.log(Level.ERROR, "jeras kernels: " + selection.reason);
        } else if (selection.kernels instanceof ScalarKernels && !selection.reason.startsWith("forced")) {
            LOG.log(Level.WARNING, "jeras kernels: " + selection);
        } else {
            LOG.log(Level.INFO, "jeras kernels: " + selection);
        }
        return selection;
    }
}
