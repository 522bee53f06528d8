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

    /** Selects kernels given the forced name (null or blank for automatic) and the available providers. */
    public static Selection select(String forced, List<KernelsProvider> providers) {
        if (forced != null && !forced.isBlank()) {
            return selectForced(forced.trim().toLowerCase(Locale.ROOT), providers);
        }
        List<String> refusals = new ArrayList<>();
        for (KernelsProvider provider : providers) {
            try {
                return new Selection(provider.load(), "first available provider");
            } catch (KernelsUnavailableException e) {
                refusals.add(provider.name() + " unavailable: " + e.getMessage());
            }
        }
        String why = refusals.isEmpty() ? "" : String.join("; ", refusals) + "; ";
        if (vectorModulePresent()) {
            return new Selection(new SimdKernels(), why + "Vector API available");
        }
        return new Selection(new ScalarKernels(), why + VECTOR_MODULE + " is not loaded, so jeras runs slow scalar code: "
                + VECTOR_HINT);
    }

    private static Selection selectForced(String forced, List<KernelsProvider> providers) {
        String how = "forced by -D" + PROPERTY + "=" + forced;
        switch (forced) {
            case "scalar":
                return new Selection(new ScalarKernels(), how);
            case "simd":
                if (!vectorModulePresent()) {
                    return new Selection(null, "-D" + PROPERTY + "=simd needs the Vector API, but "
                            + VECTOR_MODULE + " is not loaded: " + VECTOR_HINT);
                }
                return new Selection(new SimdKernels(), how);
            default:
                break;
        }
        List<String> names = new ArrayList<>(List.of("scalar", "simd"));
        for (KernelsProvider provider : providers) {
            if (provider.name().equalsIgnoreCase(forced)) {
                try {
                    return new Selection(provider.load(), how);
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
            LOG.log(Level.DEBUG, "jeras kernels: " + selection);
        }
        return selection;
    }
}
