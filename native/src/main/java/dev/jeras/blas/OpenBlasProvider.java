package dev.jeras.blas;

import java.lang.System.Logger.Level;

import dev.jeras.kernels.KernelSelector;
import dev.jeras.kernels.Kernels;
import dev.jeras.kernels.KernelsProvider;
import dev.jeras.kernels.KernelsUnavailableException;

/**
 * Offers {@link OpenBlasKernels} to jeras's kernel selector when OpenBLAS loads; otherwise says why
 * not and what to install. Found through {@link java.util.ServiceLoader}.
 */
public final class OpenBlasProvider implements KernelsProvider {

    private static final System.Logger LOG = System.getLogger(OpenBlasProvider.class.getName());

    /** The provider; ServiceLoader calls this. */
    public OpenBlasProvider() {
    }

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public Kernels load(boolean forced) throws KernelsUnavailableException {
        String noSimd = KernelSelector.simdUnavailable();
        if (noSimd != null) {
            throw new KernelsUnavailableException("its element-wise operations come from the Vector API, and " + noSimd);
        }
        Cblas.Result loaded = Cblas.LOADED;
        if (loaded.binding() == null) {
            if (Cblas.configuredLibrary() != null) {
                // The user named a library and it failed: worth a warning, not only a line in the selection.
                LOG.log(Level.WARNING, "jeras: the configured BLAS library cannot be used, falling back: " + loaded.reason());
            }
            throw new KernelsUnavailableException(loaded.reason());
        }
        int threads;
        try {
            threads = KernelSelector.configuredThreads();
        } catch (IllegalArgumentException e) {
            throw new KernelsUnavailableException(e.getMessage());
        }
        return new OpenBlasKernels(loaded.binding().description(), threads, forced ? 0 : OpenBlasKernels.AUTOMATIC_MIN_MACS);
    }
}
