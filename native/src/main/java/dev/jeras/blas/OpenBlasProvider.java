package dev.jeras.blas;

import java.lang.System.Logger.Level;

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
    public Kernels load() throws KernelsUnavailableException {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new KernelsUnavailableException("its element-wise operations come from the Vector API, which is not loaded: "
                    + "start java with --add-modules jdk.incubator.vector");
        }
        Cblas.Result loaded = Cblas.LOADED;
        if (loaded.binding() == null) {
            if (Cblas.configuredLibrary() != null) {
                // The user named a library and it failed: worth a warning, not only a line in the selection.
                LOG.log(Level.WARNING, "jeras: the configured BLAS library cannot be used, falling back: " + loaded.reason());
            }
            throw new KernelsUnavailableException(loaded.reason());
        }
        return new OpenBlasKernels(loaded.binding().description());
    }
}
