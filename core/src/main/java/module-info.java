/**
 * jeras core: tensors, compute kernels (a scalar reference and Vector API SIMD), Keras-shaped layers,
 * losses, optimizers, the {@code Sequential} model and the MNIST dataset loader.
 */
module dev.jeras.core {
    requires jdk.incubator.vector;
    requires jdk.management; // HotSpot's flags: whether C2 and FMA are on (see dev.jeras.kernels.HotSpot)

    exports dev.jeras;
    exports dev.jeras.datasets;
    exports dev.jeras.kernels;
    exports dev.jeras.hdf5;
    exports dev.jeras.activations;
    exports dev.jeras.callbacks;
    exports dev.jeras.initializers;
    exports dev.jeras.layers;
    exports dev.jeras.losses;
    exports dev.jeras.metrics;
    exports dev.jeras.models;
    exports dev.jeras.optimizers;
    exports dev.jeras.optimizers.schedules;
    exports dev.jeras.regularizers;
    exports dev.jeras.saving;

    uses dev.jeras.kernels.KernelsProvider;
    uses dev.jeras.hdf5.Hdf5;
}
