package dev.jeras.benchmarks;

import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;

import dev.jeras.activations.Activation;
import dev.jeras.kernels.KernelSelector;
import dev.jeras.kernels.Kernels;
import dev.jeras.kernels.KernelsProvider;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;

/** What the benchmarks share: kernels by name, seeded data, and the flags every forked JVM needs. */
final class Bench {

    /** The flag every forked JVM needs for the SIMD kernels. */
    static final String VECTOR_API = "--add-modules=jdk.incubator.vector";
    /** The flag that lets OpenBLAS be called without warnings. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private Bench() {
    }

    /**
     * The kernels named {@code scalar}, {@code simd} or {@code openblas} (forced: every GEMM through
     * OpenBLAS), on {@code -Djeras.threads} threads; fails if they cannot run here.
     */
    static Kernels kernels(String name) {
        List<KernelsProvider> providers = ServiceLoader.load(KernelsProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        return KernelSelector.select(name, providers).kernels();
    }

    /** The quickstart's model with the given seed, compiled as the quickstart compiles it (Adam, the loss from logits, accuracy). */
    static Sequential quickstartModel(long seed) {
        Sequential model = new Sequential(new Flatten(28, 28), new Dense(128, Activation.RELU), new Dropout(0.2), new Dense(10))
                .seed(seed);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        return model;
    }

    static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }
}
