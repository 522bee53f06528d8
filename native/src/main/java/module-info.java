/**
 * Optional OpenBLAS for jeras: {@code cblas_sgemm} through the FFM API, offered to core's kernel
 * selector as a {@link dev.jeras.kernels.KernelsProvider}. Needs native access:
 * {@code --enable-native-access=dev.jeras.blas} on the module path, {@code ALL-UNNAMED} on the class path.
 */
module dev.jeras.blas {
    requires dev.jeras.core;

    provides dev.jeras.kernels.KernelsProvider with dev.jeras.blas.OpenBlasProvider;
}
