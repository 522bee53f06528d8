/**
 * Keras 3 model files for jeras: the HDF5 inside {@code .keras} and {@code .weights.h5} files, read
 * and written with the pure-Java jhdf library and offered to core as its {@link dev.jeras.hdf5.Hdf5}
 * service. With this module present, {@code Sequential.save}, {@code load}, {@code saveWeights} and
 * {@code loadWeights} handle Keras's files; core itself stays free of dependencies.
 */
module dev.jeras.io {
    requires dev.jeras.core;
    requires io.jhdf;

    provides dev.jeras.hdf5.Hdf5 with dev.jeras.io.JhdfHdf5;
}
