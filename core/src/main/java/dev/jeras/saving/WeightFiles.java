package dev.jeras.saving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import dev.jeras.Shape;
import dev.jeras.internal.AtomicFiles;
import dev.jeras.internal.Json;
import dev.jeras.internal.Npy;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Parameter;
import dev.jeras.models.Sequential;

/**
 * A model's weights for tools outside Keras, with no dependency: {@code .safetensors} (Hugging
 * Face's format) and NumPy's {@code .npz}, each tensor named as Keras names variables,
 * {@code dense/kernel}, {@code dense/bias} (a nested model's prefixed with its name:
 * {@code sequential/dense/kernel}). Loading checks every name, dtype and shape before copying any.
 *
 * <p>{@code Sequential}'s {@code save}, {@code load}, {@code saveWeights} and {@code loadWeights} are the
 * usual way in: they also hold the model against a concurrent {@code fit} while the file is written or read.
 */
public final class WeightFiles {

    /** The safetensors reference implementation refuses larger headers. */
    static final long MAX_HEADER = 100_000_000;
    /** A Java array's limit, a little under 2 GiB. */
    private static final long MAX_FILE = Integer.MAX_VALUE - 8;

    private WeightFiles() {
    }

    /** The model's weights by their Keras-style names, in model order. */
    public static Map<String, Parameter> named(Sequential model) {
        Map<String, Parameter> named = new LinkedHashMap<>();
        collect(model, "", named);
        return named;
    }

    private static void collect(Sequential model, String prefix, Map<String, Parameter> named) {
        for (Layer layer : model.layers()) {
            if (layer instanceof Sequential nested) {
                collect(nested, prefix + nested.name() + "/", named);
                continue;
            }
            for (Parameter p : layer.weights()) {
                if (named.put(prefix + p.name(), p) != null) {
                    throw new IllegalStateException("two weights are named " + prefix + p.name() + "; rename a layer");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // safetensors

    /**
     * u64 little-endian header length N, N bytes of JSON padded with spaces to a multiple of 8, then
     * the float32 tensors back to back in the header's order.
     */
    public static void saveSafetensors(Sequential model, Path file) throws IOException {
        Map<String, Parameter> named = named(model);
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("format", "np");
        metadata.put("producer", "jeras");
        header.put("__metadata__", metadata);
        long offset = 0;
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            List<Object> shape = new ArrayList<>();
            for (int d : e.getValue().shape().dims()) {
                shape.add((long) d);
            }
            entry.put("shape", shape);
            long end = offset + (long) e.getValue().size() * Float.BYTES;
            entry.put("data_offsets", List.of(offset, end));
            header.put(e.getKey(), entry);
            offset = end;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Parameter p : named.values()) {
            for (float v : p.value().array()) {
                out.putFloat(v);
            }
        }
        AtomicFiles.write(file, out.array());
    }

    public static void loadSafetensors(Sequential model, Path file) throws IOException {
        String source = file.toString();
        byte[] bytes = KerasFile.readBounded(file, MAX_FILE);
        copy(model, parseSafetensors(bytes, source), source);
    }

    /** Every tensor of a safetensors file, after checking its header against the format. */
    static Map<String, Array> parseSafetensors(byte[] bytes, String source) throws ModelFileException {
        if (bytes.length < 8) {
            throw new ModelFileException(source + " is " + bytes.length + " bytes, too short for a safetensors header length");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buffer.getLong();
        if (n < 0 || n > MAX_HEADER) {
            throw new ModelFileException(source + ": the safetensors header declares " + Long.toUnsignedString(n)
                    + " bytes; the format allows at most " + MAX_HEADER);
        }
        if (n > bytes.length - 8) {
            throw new ModelFileException(source + ": the safetensors header declares " + n + " bytes but the file holds only "
                    + (bytes.length - 8) + " after the length; it is truncated");
        }
        Object parsed;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 8, (int) n)).toString();
            parsed = Json.parse(text, source + " (safetensors header)");
        } catch (CharacterCodingException | IllegalArgumentException e) {
            throw new ModelFileException(source + ": the safetensors header is not UTF-8 JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> header)) {
            throw new ModelFileException(source + ": the safetensors header must be a JSON object");
        }
        long dataStart = 8 + n;
        long dataLength = bytes.length - dataStart;
        record Entry(String name, int[] shape, long begin, long end) {
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> meta) || !meta.values().stream().allMatch(v -> v instanceof String)) {
                    throw new ModelFileException(source + ": __metadata__ must map strings to strings");
                }
                continue;
            }
            String where = source + ": tensor '" + name + "'";
            if (!(e.getValue() instanceof Map<?, ?> info)) {
                throw new ModelFileException(where + " must be described by an object with dtype, shape and data_offsets");
            }
            if (!"F32".equals(info.get("dtype"))) {
                throw new ModelFileException(where + " has dtype " + Json.write(info.get("dtype")) + "; jeras reads F32 (float32)");
            }
            int[] shape = ints(info.get("shape"), where + ": shape");
            long[] offsets = longs(info.get("data_offsets"), where + ": data_offsets");
            if (offsets.length != 2 || offsets[0] < 0 || offsets[1] < offsets[0]) {
                throw new ModelFileException(where + ": data_offsets must be [begin, end] with 0 <= begin <= end, found "
                        + Json.write(info.get("data_offsets")));
            }
            long elements = 1;
            for (int d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            if (offsets[1] - offsets[0] != elements * Float.BYTES) {
                throw new ModelFileException(where + ": data_offsets " + Json.write(info.get("data_offsets")) + " span "
                        + (offsets[1] - offsets[0]) + " bytes, but shape " + Json.write(info.get("shape")) + " of F32 needs "
                        + elements * Float.BYTES);
            }
            entries.add(new Entry(name, shape, offsets[0], offsets[1]));
        }
        entries.sort((a, b) -> Long.compare(a.begin(), b.begin()));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin() != expected) {
                throw new ModelFileException(source + ": tensor '" + e.name() + "' starts at byte " + e.begin() + " of the data, "
                        + (e.begin() < expected ? "overlapping the tensor before it" : "leaving a gap after the tensor before it")
                        + " (which ends at " + expected + "); tensors must lie back to back from 0");
            }
            expected = e.end();
        }
        if (expected != dataLength) {
            throw new ModelFileException(source + ": the tensors end at byte " + expected + " of the data, but the file holds "
                    + dataLength + " bytes of data (file length " + bytes.length + " should be 8 + " + n + " + " + expected
                    + (dataLength < expected ? "; it is truncated)" : "; it has trailing bytes)"));
        }
        Map<String, Array> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            float[] values = new float[Math.toIntExact((e.end() - e.begin()) / Float.BYTES)];
            ByteBuffer.wrap(bytes, Math.toIntExact(dataStart + e.begin()), values.length * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            tensors.put(e.name(), new Array(Shape.of(e.shape()), values));
        }
        return tensors;
    }

    private static int[] ints(Object value, String where) throws ModelFileException {
        long[] longs = longs(value, where);
        int[] ints = new int[longs.length];
        for (int i = 0; i < longs.length; i++) {
            if (longs[i] < 0 || longs[i] > Integer.MAX_VALUE) {
                throw new ModelFileException(where + " must hold non-negative integers below 2^31, found " + Json.write(value));
            }
            ints[i] = (int) longs[i];
        }
        return ints;
    }

    private static long[] longs(Object value, String where) throws ModelFileException {
        if (!(value instanceof List<?> list)) {
            throw new ModelFileException(where + " must be a list of integers, found " + Json.write(value));
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l)) {
                throw new ModelFileException(where + " must be a list of integers, found " + Json.write(value));
            }
            out[i] = l;
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // npz

    /** A zip of one {@code name.npy} per weight, stored uncompressed as {@code numpy.savez} does. */
    public static void saveNpz(Sequential model, Path file) throws IOException {
        Map<String, Parameter> named = named(model);
        AtomicFiles.write(file, tmp -> {
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
                for (Map.Entry<String, Parameter> e : named.entrySet()) {
                    KerasFile.stored(zip, e.getKey() + ".npy", Npy.float32(e.getValue().value().array(), e.getValue().shape().dims()));
                }
            }
        });
    }

    public static void loadNpz(Sequential model, Path file) throws IOException {
        String source = file.toString();
        Map<String, Parameter> named = named(model);
        Map<String, Array> tensors = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                names.add(e.getName());
            }
            for (String name : names) {
                String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
                if (Collections.frequency(names, name) > 1) {
                    throw new ModelFileException(source + " holds the array '" + key + "' twice; the file is corrupt or was tampered with");
                }
                Parameter p = named.get(key);
                if (p == null || !name.endsWith(".npy")) {
                    throw new ModelFileException(source + " holds an array '" + key + "' that model '" + model.name()
                            + "' has no weight for; its weights are " + named.keySet());
                }
                ZipEntry entry = zip.getEntry(name);
                long limit = (long) p.size() * Float.BYTES + 65_536; // the values and a header
                byte[] npy;
                try (InputStream in = zip.getInputStream(entry)) {
                    npy = in.readNBytes((int) Math.min(limit, MAX_FILE));
                    if (in.read() != -1) {
                        throw new ModelFileException(source + "!" + name + " is larger than weight " + key + " of shape "
                                + p.shape() + " can be");
                    }
                }
                Npy.Array array;
                try {
                    array = Npy.parse(npy, source + "!" + name);
                } catch (IllegalArgumentException e) {
                    throw new ModelFileException(e.getMessage(), e);
                }
                if (!array.dtype().equals(Npy.FLOAT32)) {
                    throw new ModelFileException(source + "!" + name + " has dtype " + array.dtype() + "; jeras reads float32 ('<f4')");
                }
                tensors.put(key, new Array(Shape.of(array.shape()), array.floats()));
            }
        } catch (ZipException e) {
            throw new ModelFileException(source + " is not an .npz file (a zip archive): " + e.getMessage()
                    + "; it may be truncated or corrupt", e);
        }
        copy(model, tensors, source);
    }

    // ---------------------------------------------------------------------------------------------

    /** A float32 array read from a file, with its shape. */
    record Array(Shape shape, float[] values) {
    }

    /** Checks that {@code tensors} are exactly the model's weights in name and shape, then copies them in. */
    private static void copy(Sequential model, Map<String, Array> tensors, String source) throws ModelFileException {
        Map<String, Parameter> named = named(model);
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            Array array = tensors.get(e.getKey());
            if (array == null) {
                throw new ModelFileException(source + " has no tensor '" + e.getKey() + "' for the model's weight of that name; "
                        + "it holds " + tensors.keySet());
            }
            if (!array.shape().equals(e.getValue().shape())) {
                throw new ModelFileException(source + ": tensor '" + e.getKey() + "' has shape " + array.shape()
                        + ", but the model's weight has shape " + e.getValue().shape());
            }
        }
        for (String name : tensors.keySet()) {
            if (!named.containsKey(name)) {
                throw new ModelFileException(source + " holds a tensor '" + name + "' that model '" + model.name()
                        + "' has no weight for; its weights are " + named.keySet());
            }
        }
        model.beginTraining("loadWeights");
        try {
            for (Map.Entry<String, Parameter> e : named.entrySet()) {
                float[] values = tensors.get(e.getKey()).values();
                System.arraycopy(values, 0, e.getValue().value().array(), 0, values.length);
            }
        } finally {
            model.endTraining();
        }
    }
}
