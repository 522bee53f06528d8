package dev.jeras.io;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;

import dev.jeras.hdf5.Hdf5;

/**
 * Core's {@link Hdf5} service on jhdf (io.jhdf), a maintained pure-Java HDF5 library.
 *
 * <p>Writing: jhdf lays out each group's header, then its children, and writes its own signature
 * string at the end of the last dataset's data. A group with nothing below it written last is
 * therefore overwritten, and the HDF5 C library cannot open it ("bad object header version
 * number"; jhdf 0.9.4 to 0.13.0). Core never hands this class an empty group (see
 * {@code KerasWeights}), and {@link #write} refuses one rather than write a broken file. Group
 * attributes are written as jhdf writes strings: fixed-length, null-terminated UTF-8 (Keras's own are
 * variable-length; h5py reads both, as bytes and as str).
 *
 * <p>Reading: from bytes in memory; a dataset is read only after its declared size is added to a
 * budget that may not exceed the file's length, so a file that declares more than it stores is
 * refused before anything that large is allocated.
 */
public final class JhdfHdf5 implements Hdf5 {

    @Override
    public void write(Hdf5.Group root, Path file) throws IOException {
        requireData(root, "/");
        try (WritableHdfFile out = HdfFile.write(file)) {
            writeGroup(root, out);
        } catch (RuntimeException e) {
            throw new IOException("jhdf could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void requireData(Hdf5.Group group, String path) {
        for (Map.Entry<String, Hdf5.Group> g : group.groups().entrySet()) {
            if (g.getValue().holdsNoData()) {
                throw new IllegalArgumentException("HDF5 group " + path + g.getKey() + " holds no dataset; jhdf would write it "
                        + "over its signature string, making a file the HDF5 C library cannot open, so it must be left out");
            }
            requireData(g.getValue(), path + g.getKey() + "/");
        }
    }

    private static void writeGroup(Hdf5.Group group, WritableGroup out) {
        for (Map.Entry<String, String> a : group.attributes().entrySet()) {
            out.putAttribute(a.getKey(), a.getValue());
        }
        for (Map.Entry<String, Hdf5.Dataset> d : group.datasets().entrySet()) {
            out.putDataset(d.getKey(), javaArray(d.getValue()));
        }
        for (Map.Entry<String, Hdf5.Group> g : group.groups().entrySet()) {
            writeGroup(g.getValue(), out.putGroup(g.getKey()));
        }
    }

    /** jhdf writes a Java array of the dataset's rank (a boxed value for a scalar). */
    private static Object javaArray(Hdf5.Dataset d) {
        int[] shape = d.shape();
        boolean floats = d.dtype().equals(Hdf5.Dataset.FLOAT32);
        if (!floats && !d.dtype().equals(Hdf5.Dataset.INT32)) {
            throw new IllegalArgumentException("jeras writes float32 and int32 datasets, received " + d.dtype());
        }
        if (shape.length == 0) {
            return floats ? (Object) d.floats()[0] : (Object) Math.toIntExact(d.longs()[0]);
        }
        Object array = Array.newInstance(floats ? float.class : int.class, shape);
        fill(array, shape, 0, d, new int[] {0});
        return array;
    }

    private static void fill(Object array, int[] shape, int dim, Hdf5.Dataset d, int[] next) {
        if (dim == shape.length - 1) {
            int n = shape[dim];
            if (array instanceof float[] f) {
                System.arraycopy(d.floats(), next[0], f, 0, n);
            } else {
                int[] ints = (int[]) array;
                for (int i = 0; i < n; i++) {
                    ints[i] = Math.toIntExact(d.longs()[next[0] + i]);
                }
            }
            next[0] += n;
            return;
        }
        for (int i = 0; i < shape[dim]; i++) {
            fill(Array.get(array, i), shape, dim + 1, d, next);
        }
    }

    @Override
    public Hdf5.Group read(byte[] file, String source) throws IOException {
        if (file.length < 8 || file[0] != (byte) 0x89 || file[1] != 'H' || file[2] != 'D' || file[3] != 'F') {
            throw new IOException(source + " is not an HDF5 file (it does not start with the HDF5 signature \\x89HDF)");
        }
        try (HdfFile hdf = HdfFile.fromBytes(file)) {
            Reader reader = new Reader(source, file.length);
            return reader.group(hdf, "/");
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new IOException(source + " cannot be read as HDF5 (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); it is truncated or corrupt", e);
        }
    }

    /** One read: what has been visited, and how many bytes of datasets have been declared so far. */
    private static final class Reader {
        private final String source;
        private final long budget;
        private long declared;
        private final Set<Long> visited = new HashSet<>();

        Reader(String source, long budget) {
            this.source = source;
            this.budget = budget;
        }

        Hdf5.Group group(io.jhdf.api.Group group, String path) throws IOException {
            if (!visited.add(group.getAddress())) {
                throw new IOException(source + ": " + path + " is linked from two places (or from inside itself); "
                        + "a Keras weights file is a tree");
            }
            Hdf5.Group out = Hdf5.Group.create();
            for (Map.Entry<String, Attribute> a : group.getAttributes().entrySet()) {
                Object value = a.getValue().getData();
                if (value instanceof String s) {
                    out.attributes().put(a.getKey(), s);
                }
            }
            for (Map.Entry<String, Node> child : group.getChildren().entrySet()) {
                Node node = child.getValue();
                String at = path + child.getKey();
                if (node.isLink()) {
                    throw new IOException(source + ": " + at + " is a soft or external link; Keras weights files hold none");
                }
                if (node instanceof io.jhdf.api.Group g) {
                    out.groups().put(child.getKey(), group(g, at + "/"));
                } else if (node instanceof io.jhdf.api.Dataset d) {
                    out.datasets().put(child.getKey(), dataset(d, at));
                } else {
                    throw new IOException(source + ": " + at + " is a " + node.getType() + ", which a Keras weights file does not hold");
                }
            }
            return out;
        }

        Hdf5.Dataset dataset(io.jhdf.api.Dataset d, String at) throws IOException {
            int[] shape = d.isScalar() ? new int[0] : d.getDimensions();
            DataType type = d.getDataType();
            String dtype = dtype(type);
            if (!dtype.equals(Hdf5.Dataset.FLOAT32) && !dtype.equals(Hdf5.Dataset.INT32) && !dtype.equals(Hdf5.Dataset.INT64)) {
                return new Hdf5.Dataset(dtype, shape, null, null); // its type is enough to say why it is not read
            }
            long bytes = d.getSizeInBytes();
            declared += bytes;
            if (bytes < 0 || declared > budget) {
                throw new IOException(source + ": " + at + " declares " + bytes + " bytes of data, and the datasets so far " + declared
                        + ", more than the " + budget + "-byte file can hold; it is corrupt or a decompression bomb");
            }
            Object flat = d.isEmpty() ? null : d.getDataFlat();
            if (dtype.equals(Hdf5.Dataset.FLOAT32)) {
                float[] values = flat == null ? new float[0] : d.isScalar() ? new float[] {(Float) scalar(flat)} : (float[]) flat;
                return new Hdf5.Dataset(dtype, shape, values, null);
            }
            long[] values;
            if (flat == null) {
                values = new long[0];
            } else if (d.isScalar()) {
                values = new long[] {((Number) scalar(flat)).longValue()};
            } else if (flat instanceof int[] ints) {
                values = java.util.Arrays.stream(ints).asLongStream().toArray();
            } else {
                values = (long[]) flat;
            }
            return new Hdf5.Dataset(dtype, shape, null, values);
        }

        private static Object scalar(Object flat) {
            return flat.getClass().isArray() ? Array.get(flat, 0) : flat;
        }

        /** NumPy's name of a type jhdf reports. */
        private static String dtype(DataType type) {
            if (type instanceof FloatingPoint f) {
                return "float" + f.getSize() * 8;
            }
            if (type instanceof FixedPoint f) {
                return (f.isSigned() ? "int" : "uint") + f.getSize() * 8;
            }
            return type.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
