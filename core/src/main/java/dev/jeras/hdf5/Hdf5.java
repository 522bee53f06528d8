package dev.jeras.hdf5;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of HDF5 that Keras's weights files use, as a service: core builds and checks the tree of
 * groups, attributes and datasets, and an implementation found through {@link java.util.ServiceLoader}
 * turns it into bytes and back. The {@code dev.jeras:jeras-io} module provides one (on the jhdf
 * library), so core itself has no dependency.
 */
public interface Hdf5 {

    /**
     * Writes {@code root} as a new HDF5 file at {@code file} (which exists and is empty; the caller
     * moves it into place). Groups, attributes and datasets are written in the maps' order.
     */
    void write(Group root, Path file) throws IOException;

    /**
     * Reads the HDF5 file held in {@code file} ({@code source} names it in errors): every group,
     * string attribute and dataset. A dataset of a type jeras does not compute with is returned with
     * its dtype and shape and no values. Refuses, with an {@link IOException} that names the object,
     * a file that is not HDF5 or is corrupt or truncated, soft, hard-linked-twice or external links,
     * external or virtual storage, and datasets whose declared sizes add up to more bytes than the
     * file holds (a weights file stores its values uncompressed), so nothing larger than the file is
     * ever allocated.
     */
    Group read(byte[] file, String source) throws IOException;

    /** A group: string attributes, subgroups and datasets by name, in file order. */
    record Group(Map<String, String> attributes, Map<String, Group> groups, Map<String, Dataset> datasets) {

        /** An empty group to fill. */
        public static Group create() {
            return new Group(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        }

        /** Whether it holds no dataset, here or below. */
        public boolean holdsNoData() {
            if (!datasets.isEmpty()) {
                return false;
            }
            for (Group g : groups.values()) {
                if (!g.holdsNoData()) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A dataset: NumPy's name of its type ({@code float32}, {@code int32}, {@code int64}, or another
     * such as {@code float64} that jeras does not read), its shape ({@code []} for a scalar), and its
     * values in C order: {@code floats} for float32, {@code longs} for integers, else neither.
     */
    record Dataset(String dtype, int[] shape, float[] floats, long[] longs) {

        public static final String FLOAT32 = "float32";
        public static final String INT32 = "int32";
        public static final String INT64 = "int64";

        /** A float32 dataset of {@code shape} ({@code []}: a scalar) over {@code values}. */
        public static Dataset float32(int[] shape, float[] values) {
            return new Dataset(FLOAT32, shape.clone(), values, null);
        }

        /** A scalar int32 dataset. */
        public static Dataset int32(int value) {
            return new Dataset(INT32, new int[0], null, new long[] {value});
        }

        /** The number of elements: the product of the shape. */
        public long size() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return dtype + " " + Arrays.toString(shape);
        }
    }
}
