package dev.jeras.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipFile;

import dev.jeras.testing.Python;

/** What the HDF5 C library (through h5py) sees in a file. */
final class H5py {

    /**
     * Opens every group and dataset, reads every value and attribute, and prints one line per object
     * that holds data or has attributes: {@code path dataset dtype shape} or {@code path group name=...}.
     * Empty groups without attributes are not listed (jeras leaves them out, Keras writes them).
     */
    private static final String MANIFEST = """
            import sys, h5py, numpy
            lines = []
            def visit(name, obj):
                attrs = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in obj.attrs.items()}
                if isinstance(obj, h5py.Dataset):
                    obj[()]  # reads every value
                    lines.append(f"{name} dataset {obj.dtype} {list(obj.shape)}")
                elif len(obj) or attrs:
                    holds = []
                    obj.visititems(lambda n, o: holds.append(n) if isinstance(o, h5py.Dataset) else None)
                    if holds:
                        lines.append(f"{name} group " + " ".join(f"{k}={v}" for k, v in sorted(attrs.items())))
            with h5py.File(sys.argv[1], "r") as f:
                f.visititems(visit)
            print("\\n".join(sorted(lines)))
            """;

    /** Saves every dataset as {@code dir/<path with / as __>.npy}, as h5py reads it. */
    private static final String DUMP = """
            import sys, os, h5py, numpy
            with h5py.File(sys.argv[1], "r") as f:
                def visit(name, obj):
                    if isinstance(obj, h5py.Dataset):
                        value = obj[()]
                        numpy.save(os.path.join(sys.argv[2], name.replace("/", "__") + ".npy"), numpy.asarray(value))
                        print(name, obj.dtype, value if value.ndim == 0 else "")
                f.visititems(visit)
            """;

    private H5py() {
    }

    static List<String> manifest(Path h5) throws IOException, InterruptedException {
        String out = Python.run(MANIFEST, h5.toString()).strip();
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    /** Dumps the datasets into {@code dir}; returns h5py's lines {@code name dtype value-if-scalar}. */
    static List<String> dump(Path h5, Path dir) throws IOException, InterruptedException {
        return Arrays.asList(Python.run(DUMP, h5.toString(), dir.toString()).strip().split("\n"));
    }

    /** The model.weights.h5 inside a .keras file, as a file of its own. */
    static Path weightsOf(Path keras, Path dir) throws IOException {
        Path h5 = Files.createTempFile(dir, "model", ".weights.h5");
        try (ZipFile zip = new ZipFile(keras.toFile())) {
            Files.write(h5, zip.getInputStream(zip.getEntry("model.weights.h5")).readAllBytes());
        }
        return h5;
    }
}
