package dev.jeras.saving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import dev.jeras.hdf5.Hdf5;
import dev.jeras.internal.AtomicFiles;
import dev.jeras.internal.Json;
import dev.jeras.kernels.Kernels;
import dev.jeras.models.Sequential;

/**
 * Keras 3's {@code .keras} file, a zip of {@code metadata.json}, {@code config.json} and
 * {@code model.weights.h5}, stored uncompressed in that order, and its {@code .weights.h5} file on
 * its own. The HDF5 part goes through the {@link Hdf5} service of {@code dev.jeras:jeras-io}.
 *
 * <p>Loading trusts nothing in the file: the zip must hold exactly those three entries, each read
 * with a bound and its CRC checked; the config names only classes jeras has; the weights the config
 * declares must fit in the weights file before the model is built; and every dataset is checked
 * before any is copied. Saving writes a temporary file and renames it, so a failed save leaves the
 * previous file as it was.
 *
 * <p>{@code Sequential}'s {@code save}, {@code load}, {@code saveWeights} and {@code loadWeights} are the
 * usual way in: they also hold the model against a concurrent {@code fit} while the file is written or read.
 */
public final class KerasFile {

    static final String METADATA = "metadata.json";
    static final String CONFIG = "config.json";
    static final String WEIGHTS = "model.weights.h5";
    /** Where jeras-io is found while it is not on Maven Central. */
    static final String IO_ARTIFACT = "dev.jeras:jeras-io:0.1.0-SNAPSHOT (module dev.jeras.io)";

    private static final int MAX_METADATA = 1 << 20;
    private static final int MAX_CONFIG = 64 << 20;
    /** A Java array's limit, a little under 2 GiB; a weights file larger than this is refused. */
    private static final int MAX_WEIGHTS = Integer.MAX_VALUE - 8;
    /** Entries get this time, so that saving the same model twice gives the same bytes (but for date_saved). */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private KerasFile() {
    }

    // ---------------------------------------------------------------------------------------------
    // .keras

    public static void save(Sequential model, Path file) throws IOException {
        Hdf5 hdf5 = hdf5("write " + file);
        byte[] metadata = Json.write(metadata()).getBytes(StandardCharsets.UTF_8);
        byte[] config = Json.write(KerasConfig.write(model)).getBytes(StandardCharsets.UTF_8);
        Hdf5.Group weights = KerasWeights.write(model);
        AtomicFiles.write(file, tmp -> {
            byte[] h5 = hdf5Bytes(hdf5, weights, tmp);
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
                stored(zip, METADATA, metadata);
                stored(zip, CONFIG, config);
                stored(zip, WEIGHTS, h5);
            }
        });
    }

    private static Map<String, Object> metadata() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("keras_version", KerasConfig.KERAS_VERSION);
        metadata.put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
        return metadata;
    }

    /** The HDF5 bytes of {@code tree}, written through a temporary file beside {@code near}. */
    private static byte[] hdf5Bytes(Hdf5 hdf5, Hdf5.Group tree, Path near) throws IOException {
        Path h5 = Files.createTempFile(near.toAbsolutePath().getParent(), ".weights", ".h5.part");
        try {
            hdf5.write(tree, h5);
            return Files.readAllBytes(h5);
        } finally {
            Files.deleteIfExists(h5);
        }
    }

    /** An uncompressed zip entry with its CRC, dated 1980 so the same content gives the same bytes (as .keras and .npz files are). */
    static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }

    public static Sequential load(Path file, boolean compile) throws IOException {
        String source = file.toString();
        Map<String, byte[]> entries = readZip(file, source);
        try {
            Object metadata = Json.parse(new String(entries.get(METADATA), StandardCharsets.UTF_8), source + "!" + METADATA);
            if (!(metadata instanceof Map)) {
                throw new IllegalArgumentException(source + "!" + METADATA + " must hold a JSON object");
            }
            Object config = Json.parse(new String(entries.get(CONFIG), StandardCharsets.UTF_8), source + "!" + CONFIG);
            KerasConfig.Read read = KerasConfig.read(config, source, compile);
            byte[] h5 = entries.get(WEIGHTS);
            checkFits(read.weightValues(), h5.length, source + "!" + WEIGHTS);
            Hdf5.Group tree = readHdf5(hdf5("read " + file), h5, source + "!" + WEIGHTS);
            Sequential model = read.model();
            model.build(read.inputShape(), Kernels.active(), new SplittableRandom());
            if (read.compile() != null) {
                model.compile(read.compile().optimizer(), read.compile().loss(), read.compile().metrics());
            }
            KerasWeights.read(tree, model, true, source + "!" + WEIGHTS);
            return model;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelFileException(e.getMessage(), e);
        }
    }

    /** The weights a config declares must be stored in the file: checked before building allocates them. */
    private static void checkFits(long weightValues, long fileBytes, String source) {
        if (weightValues > fileBytes / Float.BYTES) {
            throw new IllegalArgumentException(source + " holds " + fileBytes + " bytes, but the config declares " + weightValues
                    + " float32 weights (" + weightValues * Float.BYTES + " bytes): the file is truncated, or the config was altered");
        }
    }

    /** The three entries of a .keras zip, each bounded and CRC-checked; anything else in the zip is an error. */
    private static Map<String, byte[]> readZip(Path file, String source) throws IOException {
        Map<String, Integer> limits = Map.of(METADATA, MAX_METADATA, CONFIG, MAX_CONFIG, WEIGHTS, MAX_WEIGHTS);
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                names.add(e.getName());
            }
            for (String name : names) {
                if (!limits.containsKey(name)) {
                    throw new ModelFileException(source + " holds an entry '" + name + "' that a .keras file does not have; "
                            + "it holds exactly " + METADATA + ", " + CONFIG + " and " + WEIGHTS + " (entries: " + names + ")");
                }
                if (Collections.frequency(names, name) > 1) {
                    throw new ModelFileException(source + " holds the entry '" + name + "' twice; the file is corrupt or was tampered with");
                }
            }
            for (String name : List.of(METADATA, CONFIG, WEIGHTS)) {
                ZipEntry entry = zip.getEntry(name);
                if (entry == null) {
                    throw new ModelFileException(source + " has no " + name + ": it is not a Keras 3 .keras file (entries: " + names + ")");
                }
                entries.put(name, readEntry(zip, entry, limits.get(name), source));
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(source, null, "there is no model file " + source);
        } catch (ZipException e) {
            throw new ModelFileException(source + " is not a .keras file (a zip archive): " + e.getMessage()
                    + "; it may be truncated or corrupt", e);
        }
        return entries;
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry entry, int limit, String source) throws IOException {
        String name = source + "!" + entry.getName();
        if (entry.getSize() > limit) {
            throw new ModelFileException(name + " declares " + entry.getSize() + " bytes, more than the " + limit + " jeras reads");
        }
        // A compressed entry may not expand beyond 1000 times its stored size (Keras stores them uncompressed).
        long bound = entry.getMethod() == ZipEntry.STORED ? limit
                : Math.min(limit, Math.max(1 << 20, 1000 * Math.max(0, entry.getCompressedSize())));
        byte[] data;
        try (InputStream in = zip.getInputStream(entry)) {
            data = in.readNBytes((int) bound);
            if (in.read() != -1) {
                throw new ModelFileException(name + " expands to more than " + bound + " bytes; refusing it");
            }
        } catch (ZipException e) {
            throw new ModelFileException(name + " cannot be read: " + e.getMessage() + "; the file is truncated or corrupt", e);
        }
        if (entry.getSize() >= 0 && data.length != entry.getSize()) {
            throw new ModelFileException(name + " holds " + data.length + " bytes but its zip entry declares " + entry.getSize()
                    + "; the file is truncated or corrupt");
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw new ModelFileException(name + " fails its CRC-32 check; the file is corrupt or was altered");
        }
        return data;
    }

    // ---------------------------------------------------------------------------------------------
    // .weights.h5

    public static void saveWeights(Sequential model, Path file) throws IOException {
        Hdf5 hdf5 = hdf5("write " + file);
        Hdf5.Group weights = KerasWeights.write(model);
        AtomicFiles.write(file, tmp -> hdf5.write(weights, tmp));
    }

    public static void loadWeights(Sequential model, Path file) throws IOException {
        String source = file.toString();
        Hdf5 hdf5 = hdf5("read " + file);
        Hdf5.Group tree = readHdf5(hdf5, readBounded(file, MAX_WEIGHTS), source);
        try {
            KerasWeights.read(tree, model, true, source);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(e.getMessage(), e);
        }
    }

    /** The HDF5 tree; what the library cannot read is a bad file, not a failed read. */
    private static Hdf5.Group readHdf5(Hdf5 hdf5, byte[] bytes, String source) throws ModelFileException {
        try {
            return hdf5.read(bytes, source);
        } catch (IOException e) {
            throw new ModelFileException(e.getMessage(), e);
        }
    }

    /** The whole file, refusing one larger than {@code limit} bytes before reading it. */
    static byte[] readBounded(Path file, long limit) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "there is no file " + file);
        }
        if (size > limit) {
            throw new ModelFileException(file + " is " + size + " bytes, more than the " + limit + " jeras reads into memory");
        }
        return Files.readAllBytes(file);
    }

    /** The HDF5 service, or an error saying which artifact to add. */
    static Hdf5 hdf5(String purpose) throws IOException {
        try {
            Iterator<Hdf5> found = ServiceLoader.load(Hdf5.class).iterator();
            if (found.hasNext()) {
                return found.next();
            }
        } catch (ServiceConfigurationError e) {
            throw new IOException("cannot " + purpose + ": the HDF5 support of " + IO_ARTIFACT + " failed to load: " + e.getMessage(), e);
        }
        throw new IOException("cannot " + purpose + ": .keras and .weights.h5 files need HDF5, which jeras-core leaves to "
                + IO_ARTIFACT + "; add that artifact beside jeras-core (its README section 'Saving and loading' shows the Maven "
                + "snippet), or save the weights without it, as .safetensors or .npz");
    }
}
