package dev.jeras.datasets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import dev.jeras.UInt8Tensor;
import dev.jeras.internal.Npy;

/**
 * Reads NumPy {@code .npz} archives (a zip of {@code .npy} arrays), as Keras stores
 * {@code mnist.npz}. Only unsigned-byte arrays in C order are read.
 */
final class Npz {

    private Npz() {
    }

    /** The arrays of an npz archive by name without {@code .npy}, in archive order. */
    static Map<String, UInt8Tensor> parse(byte[] archive, String source) {
        Map<String, UInt8Tensor> arrays = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    continue;
                }
                String key = name.substring(0, name.length() - 4);
                arrays.put(key, parseNpy(DataFiles.readBounded(zip, source + "!" + name), source + "!" + name));
            }
        } catch (IOException e) {
            throw new DatasetException(source + " is not a valid .npz (zip) archive: " + e.getMessage()
                    + "; delete it and fetch it again", e);
        }
        if (arrays.isEmpty()) {
            throw new DatasetException(source + " holds no .npy arrays: it is not a NumPy .npz archive; delete it and fetch it again");
        }
        return arrays;
    }

    /** Parses one {@code .npy} array of unsigned bytes (format versions 1 to 3). */
    static UInt8Tensor parseNpy(byte[] npy, String source) {
        Npy.Array array;
        try {
            array = Npy.parse(npy, source);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(e.getMessage());
        }
        if (!array.dtype().equals(Npy.UINT8)) {
            throw corrupt(source, "its dtype is '" + array.dtype() + "'; jeras reads uint8 arrays ('|u1')");
        }
        if (array.shape().length == 0) {
            throw corrupt(source, "it is a 0-dimensional array; jeras expects an array of samples");
        }
        return UInt8Tensor.wrap(Arrays.copyOfRange(npy, array.offset(), npy.length), array.shape());
    }

    private static DatasetException corrupt(String source, String why) {
        return new DatasetException(source + " is not a valid .npy array: " + why);
    }
}
