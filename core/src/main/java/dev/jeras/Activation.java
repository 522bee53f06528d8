package dev.jeras;

/** The activations a {@link Dense} layer can fuse into its forward pass. */
public enum Activation {
    /** The identity (Keras's {@code activation=None}): the layer outputs logits. */
    LINEAR,
    /** {@code max(x, 0)}; its gradient is taken as 0 at 0, as in Keras. */
    RELU
}
