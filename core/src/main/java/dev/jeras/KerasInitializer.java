package dev.jeras;

import java.util.random.RandomGenerator;

/**
 * An initializer named in a Keras model file that jeras does not have (such as {@code HeNormal}).
 * A loaded layer takes its weights from the file, so it is never run; it is kept to be written
 * back unchanged when the model is saved.
 */
record KerasInitializer(Object serialized) implements Initializer {

    @Override
    public void initialize(float[] values, Shape shape, RandomGenerator rng) {
        throw new UnsupportedOperationException("the initializer " + serialized + " comes from a Keras file and jeras cannot run it; "
                + "load the weights from that file, or give the layer Initializer.glorotUniform()");
    }
}
