package dev.jeras.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.internal.Npy;

/**
 * NumPy's {@code .npy} files: arrays of {@code uint8} (as MNIST's images) and {@code float32} in C
 * order, as {@code numpy.save} writes them. Other dtypes are refused with a message naming theirs.
 */
public final class NumPy {

    /** The largest .npy jeras reads: a Java array's limit. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private NumPy() {
    }

    /** The array's dtype as NumPy names it: {@code uint8}, {@code float32}, or the descr of another ({@code <f8}). */
    public static String dtype(Path file) throws IOException {
        return parse(file).dtype();
    }

    /** A float32 array. */
    public static Tensor loadFloat32(Path file) throws IOException {
        Npy.Array array = parse(file);
        if (!array.dtype().equals(Npy.FLOAT32)) {
            throw new DatasetException(file + " holds " + array.dtype() + " values; this reads float32 ('<f4')");
        }
        return Tensor.of(array.floats(), dims(array, file));
    }

    /** A uint8 array. */
    public static UInt8Tensor loadUInt8(Path file) throws IOException {
        Npy.Array array = parse(file);
        if (!array.dtype().equals(Npy.UINT8)) {
            throw new DatasetException(file + " holds " + array.dtype() + " values; this reads uint8 ('|u1')");
        }
        return UInt8Tensor.wrap(Arrays.copyOfRange(array.data(), array.offset(), array.data().length), dims(array, file));
    }

    private static int[] dims(Npy.Array array, Path file) {
        if (array.shape().length == 0) {
            throw new DatasetException(file + " holds a 0-dimensional array; a tensor needs at least one dimension");
        }
        return array.shape();
    }

    private static Npy.Array parse(Path file) throws IOException {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new DatasetException(file + " is larger than the " + MAX_BYTES + " bytes jeras reads into memory");
            }
            return Npy.parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "there is no file " + file);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(e.getMessage());
        }
    }
}
