package dev.jeras.saving;

import java.util.random.RandomGenerator;

import dev.jeras.Shape;
import dev.jeras.initializers.Initializer;

/**
 * An initializer named in a Keras model file that jeras does not have (such as {@code HeNormal}).
 * It exists only in a model being loaded, whose weights the file then overwrites, so it leaves the
 * zeros it is given; it is kept to be written back unchanged when the model is saved.
 */
record KerasInitializer(Object serialized) implements Initializer {

    @Override
    public void initialize(float[] values, Shape shape, RandomGenerator rng) {
        // The loaded weights replace these zeros before the model is returned.
    }
}
