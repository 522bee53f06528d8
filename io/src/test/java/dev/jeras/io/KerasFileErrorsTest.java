package dev.jeras.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Layer;
import dev.jeras.models.Sequential;
import dev.jeras.saving.ModelFileException;

/** Every bad file gives an error that names the file, the part and what was expected; nothing half-loaded, nothing lost. */
class KerasFileErrorsTest {

    @TempDir
    Path dir;
    private Path good;

    @BeforeEach
    void saveAGoodModel() throws Exception {
        good = dir.resolve("good.keras");
        Sequential model = KerasFileTest.quickstart(0.2);
        KerasFileTest.train(model, 1, 1);
        model.save(good);
    }

    @Test
    void truncatedFile() throws Exception {
        byte[] bytes = Files.readAllBytes(good);
        Path cut = write("cut.keras", Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> Sequential.load(cut)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining(cut.toString()).hasMessageContaining("truncated or corrupt");
        Path tiny = write("tiny.keras", Arrays.copyOf(bytes, 10));
        assertThatThrownBy(() -> Sequential.load(tiny)).isInstanceOf(ModelFileException.class).hasMessageContaining("not a .keras file");
    }

    @Test
    void corruptWeightsFailTheirChecksum() throws Exception {
        byte[] bytes = Files.readAllBytes(good);
        bytes[bytes.length - 5000] ^= 0x40; // inside model.weights.h5's data, the last entry
        Path bad = write("flipped.keras", bytes);
        assertThatThrownBy(() -> Sequential.load(bad)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("model.weights.h5 fails its CRC-32 check");
    }

    @Test
    void configThatNoLongerMatchesTheWeights() throws Exception {
        Map<String, byte[]> entries = entries(good);
        String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
        entries.put("config.json", config.replace("\"units\": 128", "\"units\": 64").getBytes(StandardCharsets.UTF_8));
        Path bad = zip("units.keras", entries);
        assertThatThrownBy(() -> Sequential.load(bad)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("layer 'dense' weight dense/kernel at layers/dense/vars/0 has shape (784, 128), expected (784, 64)");

        entries.put("config.json", config.replace("\"use_bias\": true", "\"use_bias\": false").getBytes(StandardCharsets.UTF_8));
        Path noBias = zip("nobias.keras", entries);
        assertThatThrownBy(() -> Sequential.load(noBias)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("layer 'dense' (Dense) has 1 weights [dense/kernel], but the file holds 2 at layers/dense/vars");

        // A config that declares far more weights than the file holds is refused before anything is allocated.
        entries.put("config.json", config.replace("\"units\": 128", "\"units\": 2000000").getBytes(StandardCharsets.UTF_8));
        Path huge = zip("huge.keras", entries);
        assertThatThrownBy(() -> Sequential.load(huge)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("but the config declares 1590000010 float32 weights");
    }

    @Test
    void weightsOfAnotherModel() throws Exception {
        Sequential other = new Sequential(new Flatten(28, 28), new Dense(64, Activation.RELU), new Dense(10));
        other.summary();
        Path otherFile = dir.resolve("other.keras");
        other.save(otherFile);
        Map<String, byte[]> entries = entries(otherFile);
        entries.put("model.weights.h5", entries(good).get("model.weights.h5"));
        Path mixed = zip("mixed.keras", entries);
        assertThatThrownBy(() -> Sequential.load(mixed)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("mixed.keras!model.weights.h5: layer '" + other.layers().get(1).name() + "'")
                .hasMessageContaining("has shape (784, 128), expected (784, 64)");
        entries.put("model.weights.h5", entries(otherFile).get("model.weights.h5"));
        entries.put("config.json", entries(good).get("config.json"));
        assertThatThrownBy(() -> Sequential.load(zip("small.keras", entries))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("but the config declares 101770 float32 weights");
        // and into a built model: nothing changes when loading fails
        Sequential target = KerasFileTest.quickstart(0.2);
        target.summary();
        Tensor before = target.getWeights().get(0);
        Path weights = dir.resolve("other.weights.h5");
        other.saveWeights(weights);
        assertThatThrownBy(() -> target.loadWeights(weights)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("has shape (784, 64), expected (784, 128)");
        KerasFileTest.assertBitwiseEqual(target.getWeights().get(0), before, "weights after a failed load");
    }

    @Test
    void wrongTypesAndUnknownClassesInTheConfig() throws Exception {
        Map<String, byte[]> entries = entries(good);
        String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
        entries.put("config.json", config.replace("\"units\": 128", "\"units\": \"128\"").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Sequential.load(zip("type.keras", entries))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("type.keras: config.json").hasMessageContaining("Dense 'dense'")
                .hasMessageContaining("'units' must be an integer, found \"128\"");
        entries.put("config.json", config.replace("\"class_name\": \"Dropout\"", "\"class_name\": \"Conv2D\"").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Sequential.load(zip("conv.keras", entries))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("layer 'dropout' is a Conv2D, which jeras does not have; it loads InputLayer, Flatten, Dense");
        entries.put("config.json", config.replace("\"class_name\": \"Dropout\", \"config\"", "\"class_name\": \"Dropout\", \"registered_name\": \"my>Evil\", \"config\"")
                .replace("\"rate\": 0.2, \"seed\": null, \"noise_shape\": null}, \"registered_name\": null", "\"rate\": 0.2, \"seed\": null, \"noise_shape\": null}")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Sequential.load(zip("custom.keras", entries))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("custom class 'my>Evil'");
        entries.put("config.json", config.replace("\"class_name\": \"Sequential\"", "\"class_name\": \"Functional\"").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Sequential.load(zip("functional.keras", entries))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("the model is a Functional; jeras loads Sequential models");
        entries.put("config.json", config.substring(0, config.length() / 2).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Sequential.load(zip("half.keras", entries))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("half.keras!config.json is not valid JSON");
        entries.put("config.json", config.replace("\"activation\": \"relu\"", "\"activation\": \"selu\"").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Sequential.load(zip("selu.keras", entries))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("activation 'selu' is not one jeras has");
        entries.put("config.json", config.replace("\"use_ema\": false", "\"use_ema\": true").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Sequential.load(zip("ema.keras", entries))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("use_ema is set").hasMessageContaining("compile=false");
        assertThat(Sequential.load(zip("ema2.keras", entries), false).optimizer()).isNull();
    }

    @Test
    void unexpectedDuplicateAndOversizedEntries() throws Exception {
        Map<String, byte[]> entries = entries(good);
        Map<String, byte[]> extra = new LinkedHashMap<>(entries);
        extra.put("../evil.sh", "rm -rf /".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Sequential.load(zip("extra.keras", extra))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("holds an entry '../evil.sh' that a .keras file does not have");

        Map<String, byte[]> twice = new LinkedHashMap<>(entries);
        twice.put("config.jsoX", entries.get("config.json"));
        byte[] bytes = Files.readAllBytes(zip("twice.keras", twice));
        replaceAll(bytes, "config.jsoX", "config.json");
        Path duplicate = write("duplicate.keras", bytes);
        assertThatThrownBy(() -> Sequential.load(duplicate)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("holds the entry 'config.json' twice");

        Map<String, byte[]> big = new LinkedHashMap<>(entries);
        big.put("metadata.json", new byte[2 << 20]);
        assertThatThrownBy(() -> Sequential.load(zip("big.keras", big))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("metadata.json declares 2097152 bytes, more than the 1048576 jeras reads");

        // 64 MB of zeros deflate to 64 KB: more than the 1000-fold expansion allowed.
        Map<String, byte[]> bomb = new LinkedHashMap<>(entries);
        bomb.put("model.weights.h5", new byte[64 << 20]);
        Path bombFile = dir.resolve("bomb.keras");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bombFile))) {
            for (Map.Entry<String, byte[]> e : bomb.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey()); // deflated, and its size is not declared in advance
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        assertThatThrownBy(() -> Sequential.load(bombFile)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("model.weights.h5");
        Map<String, byte[]> missing = new LinkedHashMap<>(entries);
        missing.remove("model.weights.h5");
        assertThatThrownBy(() -> Sequential.load(zip("missing.keras", missing))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("has no model.weights.h5");
    }

    @Test
    void corruptOrTruncatedHdf5() throws Exception {
        Map<String, byte[]> entries = entries(good);
        byte[] h5 = entries.get("model.weights.h5");
        entries.put("model.weights.h5", Arrays.copyOf(h5, h5.length * 3 / 4));
        assertThatThrownBy(() -> Sequential.load(zip("short.keras", entries))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("short.keras!model.weights.h5");
        Path text = write("text.weights.h5", "not hdf5 at all".getBytes(StandardCharsets.UTF_8));
        Sequential model = KerasFileTest.quickstart(0.2);
        assertThatThrownBy(() -> model.loadWeights(text)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("text.weights.h5 is not an HDF5 file");
        byte[] scrambled = h5.clone();
        for (int i = 48; i < 400; i++) {
            scrambled[i] = (byte) (i * 31);
        }
        entries.put("model.weights.h5", scrambled);
        assertThatThrownBy(() -> Sequential.load(zip("scrambled.keras", entries)))
                .satisfies(e -> assertThat(e.getMessage()).contains("scrambled.keras!model.weights.h5"));
    }

    @Test
    void aFailedSaveLeavesThePreviousFileIntact() throws Exception {
        byte[] before = Files.readAllBytes(good);
        Sequential custom = new Sequential(new Flatten(28, 28), new Identity());
        custom.summary();
        assertThatThrownBy(() -> custom.save(good)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("which a .keras file cannot describe").hasMessageContaining("saveWeights");
        Sequential customInit = new Sequential(new Flatten(28, 28), new Dense(3).kernelInitializer((v, s, r) -> { }));
        customInit.summary();
        assertThatThrownBy(() -> customInit.save(good)).hasMessageContaining("has an initializer of its own");
        assertThat(Files.readAllBytes(good)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("good.keras"); // no temporary file left
        }
        // A user's layer still saves its weights.
        Path weights = dir.resolve("custom.safetensors");
        custom.saveWeights(weights);
        assertThat(weights).exists();
        Files.delete(weights);
    }

    @Test
    void missingFileAndWrongSuffix() {
        assertThatThrownBy(() -> Sequential.load(dir.resolve("nothing.keras"))).hasMessageContaining("there is no model file");
        assertThatThrownBy(() -> Sequential.load(dir.resolve("old.h5"))).hasMessageContaining("Keras 2");
        Sequential model = KerasFileTest.quickstart(0.2);
        model.summary();
        assertThatThrownBy(() -> model.save(dir.resolve("model.zip"))).hasMessageContaining("must end in .keras");
        assertThatThrownBy(() -> model.saveWeights(dir.resolve("w.bin"))).hasMessageContaining(".weights.h5 (Keras), .safetensors or .npz");
    }

    /** An identity layer of a user's own, which a .keras file cannot describe. */
    private static final class Identity extends Layer {
        Identity() {
            super("identity", null);
        }

        @Override
        protected Shape onBuild(Shape inputShape, RandomGenerator rng) {
            return inputShape;
        }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            return x;
        }

        @Override
        public Tensor backward(Tensor dy, boolean needInputGradient) {
            return dy;
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private static Map<String, byte[]> entries(Path file) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        return entries;
    }

    private Path zip(String name, Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return write(name, bytes.toByteArray());
    }

    private static void replaceAll(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + f.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, bytes, i, t.length);
            }
        }
    }
}
