package dev.jeras.kernels;

/**
 * A source of {@link Kernels} found through {@link java.util.ServiceLoader}, such as the OpenBLAS
 * binding in the {@code dev.jeras.blas} module. Providers are tried before the built-in kernels.
 */
public interface KernelsProvider {

    /** The name {@code -Djeras.kernels=NAME} uses to force this provider, for example {@code openblas}. */
    String name();

    /**
     * Loads the kernels, or throws with the reason they cannot run here and what to install.
     * {@code forced} is true when the user named this provider ({@code -Djeras.kernels=NAME}): it
     * should then do all it can itself, where the automatic choice may keep to what it does fastest.
     */
    Kernels load(boolean forced) throws KernelsUnavailableException;
}
