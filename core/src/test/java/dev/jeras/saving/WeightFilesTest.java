package dev.jeras.saving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.internal.Json;
import dev.jeras.internal.Npy;
import dev.jeras.kernels.contract.ConcurrentPredict;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Parameter;
import dev.jeras.models.Sequential;
import dev.jeras.testing.Python;

/** safetensors and npz, with no dependency: round trips, the byte layout, and every malformed file refused. */
class WeightFilesTest {

    @TempDir
    Path dir;

    private static Sequential model(long seed) {
        Sequential inner = new Sequential(new Dense(16, Activation.RELU).named("hidden"));
        Sequential model = new Sequential(new Flatten(28, 28).named("flatten"), new Dense(32, Activation.RELU).named("dense"),
                inner.named("block"), new Dense(10).named("dense_1")).named("net").seed(seed);
        model.summary(); // builds it
        return model;
    }

    @Test
    void namesAreKerasStyle() {
        assertThat(WeightFiles.named(model(1)).keySet()).containsExactly("dense/kernel", "dense/bias", "block/hidden/kernel",
                "block/hidden/bias", "dense_1/kernel", "dense_1/bias");
    }

    @Test
    void safetensorsAndNpzRoundTripsAreBitExact() throws Exception {
        Sequential original = model(1);
        Tensor x = ConcurrentPredict.input(new SplittableRandom(2), 7);
        for (String name : List.of("w.safetensors", "w.npz")) {
            Path file = dir.resolve(name);
            original.saveWeights(file);
            Sequential copy = model(99);
            copy.loadWeights(file);
            for (int i = 0; i < original.getWeights().size(); i++) {
                assertThat(copy.getWeights().get(i).toArray()).as(name + " weight " + i).isEqualTo(original.getWeights().get(i).toArray());
            }
            assertThat(copy.predict(x).toArray()).isEqualTo(original.predict(x).toArray());
        }
    }

    @Test
    void safetensorsByteLayoutFollowsTheFormat() throws Exception {
        Sequential model = model(3);
        Path file = dir.resolve("w.safetensors");
        model.saveWeights(file);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buffer.getLong();
        assertThat(n % 8).as("header padded to a multiple of 8").isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).endsWith(header.strip() + " ".repeat(header.length() - header.strip().length()));
        Map<?, ?> json = (Map<?, ?>) Json.parse(header, "header");
        assertThat(json.get("__metadata__")).isEqualTo(Map.of("format", "np", "producer", "jeras"));
        long expected = 0;
        for (Map.Entry<String, Parameter> e : WeightFiles.named(model).entrySet()) {
            Map<?, ?> entry = (Map<?, ?>) json.get(e.getKey());
            assertThat(entry.get("dtype")).isEqualTo("F32");
            assertThat(entry.get("shape")).isEqualTo(Arrays.stream(e.getValue().shape().dims()).mapToObj(d -> (long) d).toList());
            long end = expected + 4L * e.getValue().size();
            assertThat(entry.get("data_offsets")).as(e.getKey()).isEqualTo(List.of(expected, end));
            float[] values = e.getValue().value().array();
            for (int i = 0; i < values.length; i++) {
                assertThat(buffer.getFloat((int) (8 + n + expected + 4L * i))).isEqualTo(values[i]);
            }
            expected = end;
        }
        assertThat(bytes.length).isEqualTo(8 + n + expected);
    }

    @Test
    void everyMalformedSafetensorsHeaderIsRefused() throws Exception {
        Sequential model = model(4);
        long size = 4L * 784 * 32;
        String good = "{\"dense/kernel\": {\"dtype\": \"F32\", \"shape\": [784, 32], \"data_offsets\": [0, " + size + "]}}";
        assertThat(WeightFiles.parseSafetensors(file(good, size), "f")).containsKey("dense/kernel");

        assertRefused(new byte[5], "too short for a safetensors header length");
        assertRefused(lengthOnly(200_000_000L, 16), "the format allows at most 100000000");
        assertRefused(lengthOnly(-1, 16), "the format allows at most");
        assertRefused(lengthOnly(64, 16), "it is truncated");
        assertRefused(file("[1, 2]", 0), "must be a JSON object");
        assertRefused(file("{\"a\": ", 0), "not UTF-8 JSON");
        assertRefused(file(good.replace("F32", "F16"), size), "dtype \"F16\"; jeras reads F32");
        assertRefused(file(good.replace("[784, 32]", "[784, 31]"), size), "span " + size + " bytes, but shape [784, 31] of F32 needs 97216");
        assertRefused(file(good.replace("[784, 32]", "[784, -32]"), size), "non-negative integers");
        assertRefused(file(good.replace("[0, " + size, "[-4, " + (size - 4)), size), "0 <= begin <= end");
        assertRefused(file(good.replace("[0, " + size, "[4, " + (size + 4)), size + 4), "leaving a gap");
        assertRefused(file(good, size + 4), "it has trailing bytes");
        assertRefused(file(good, size - 4), "it is truncated");
        String two = "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, "
                + "\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}";
        assertRefused(file(two, 12), "overlapping the tensor before it");
        assertRefused(file("{\"__metadata__\": {\"k\": 1}}", 0), "__metadata__ must map strings to strings");
        assertRefused(file("{\"a\": {\"dtype\": \"F32\", \"shape\": [1]}}", 4), "data_offsets must be a list of integers");
        String entry = "{\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}";
        assertRefused(file("{\"a\": " + entry + ", \"a\": " + entry + "}", 4), "the key \"a\" appears twice");

        // Well-formed, but not this model's weights: a missing, an unknown or a reshaped tensor.
        Path f = dir.resolve("other.safetensors");
        Files.write(f, file(good, size));
        assertThatThrownBy(() -> model.loadWeights(f)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("has no tensor 'dense/bias'");
        Sequential small = new Sequential(new Flatten(28, 28), new Dense(31).named("dense"), new Dense(10).named("dense_1"));
        small.summary();
        Path wrong = dir.resolve("wrong.safetensors");
        small.saveWeights(wrong);
        Sequential target = new Sequential(new Flatten(28, 28), new Dense(32).named("dense"), new Dense(10).named("dense_1"));
        target.summary();
        float[] before = target.getWeights().get(0).toArray();
        assertThatThrownBy(() -> target.loadWeights(wrong)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("tensor 'dense/kernel' has shape (784, 31), but the model's weight has shape (784, 32)");
        assertThat(target.getWeights().get(0).toArray()).as("unchanged after a failed load").isEqualTo(before);
    }

    @Test
    void numpyReadsTheNpzJerasWritesAndJerasReadsNumpysNpz() throws Exception {
        Sequential model = model(5);
        Path file = dir.resolve("w.npz");
        model.saveWeights(file);
        String out = Python.run("""
                import sys, numpy
                z = numpy.load(sys.argv[1])
                for k in z.files:
                    a = z[k]
                    print(k, a.dtype, list(a.shape), repr(float(a.ravel()[0])), repr(float(a.astype('float64').sum())))
                numpy.savez(sys.argv[2], **{k: z[k] * 2 for k in z.files})
                """, file.toString(), dir.resolve("doubled.npz").toString());
        List<String> lines = out.strip().lines().toList();
        Map<String, Parameter> named = WeightFiles.named(model);
        assertThat(lines).hasSize(named.size());
        int i = 0;
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            float[] v = e.getValue().value().array();
            double sum = 0;
            for (float f : v) {
                sum += f;
            }
            String[] parts = lines.get(i++).split(" ");
            assertThat(parts[0]).isEqualTo(e.getKey());
            assertThat(parts[1]).isEqualTo("float32");
            assertThat(Float.parseFloat(parts[parts.length - 2])).isEqualTo(v[0]);
            assertThat(Double.parseDouble(parts[parts.length - 1])).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-9 * v.length));
        }
        Sequential doubled = model(6);
        doubled.loadWeights(dir.resolve("doubled.npz"));
        assertThat(doubled.getWeights().get(0).toArray()[3]).isEqualTo(2 * model.getWeights().get(0).toArray()[3]);
    }

    @Test
    void malformedNpzIsRefused() throws Exception {
        Sequential model = new Sequential(new Flatten(2, 2), new Dense(3).named("d"));
        model.summary();
        float[] kernel = new float[12];
        float[] bias = new float[3];
        assertNpz(model, Map.of("d/kernel.npy", Npy.float32(kernel, new int[] {4, 3}), "d/bias.npy", Npy.float32(bias, new int[] {3})), null);
        assertNpz(model, Map.of("d/kernel.npy", Npy.float32(kernel, new int[] {3, 4}), "d/bias.npy", Npy.float32(bias, new int[] {3})),
                "tensor 'd/kernel' has shape (3, 4), but the model's weight has shape (4, 3)");
        assertNpz(model, Map.of("d/kernel.npy", Npy.float32(kernel, new int[] {4, 3})), "has no tensor 'd/bias'");
        assertNpz(model, Map.of("d/kernel.npy", Npy.float32(kernel, new int[] {4, 3}), "d/bias.npy", Npy.float32(bias, new int[] {3}),
                "evil.npy", Npy.float32(bias, new int[] {3})), "holds an array 'evil' that model");
        byte[] bytesNpy = Npy.float32(bias, new int[] {3});
        byte[] u1 = new String(bytesNpy, StandardCharsets.ISO_8859_1).replace("<f4", "|u1").getBytes(StandardCharsets.ISO_8859_1);
        assertNpz(model, Map.of("d/kernel.npy", Npy.float32(kernel, new int[] {4, 3}), "d/bias.npy", Arrays.copyOf(u1, u1.length - 9)),
                "has dtype uint8; jeras reads float32");
        assertNpz(model, Map.of("d/kernel.npy", Npy.float32(kernel, new int[] {4, 3}), "d/bias.npy", Arrays.copyOf(bytesNpy, bytesNpy.length - 1)),
                "(truncated)");
        Path notZip = dir.resolve("junk.npz");
        Files.writeString(notZip, "not a zip");
        assertThatThrownBy(() -> model.loadWeights(notZip)).isInstanceOf(ModelFileException.class).hasMessageContaining("is not an .npz file");
    }

    @Test
    void kerasFilesNeedJerasIoAndSayWhichArtifactToAdd() {
        Sequential model = model(7);
        assertThatThrownBy(() -> model.save(dir.resolve("m.keras"))).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("dev.jeras:jeras-io:0.1.0-SNAPSHOT").hasMessageContaining(".safetensors or .npz");
        assertThatThrownBy(() -> Sequential.load(dir.resolve("m.keras"))).isInstanceOf(java.io.IOException.class);
        assertThat(dir.resolve("m.keras")).doesNotExist();
    }

    private void assertNpz(Sequential model, Map<String, byte[]> arrays, String error) throws Exception {
        Path file = Files.createTempFile(dir, "w", ".npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        if (error == null) {
            model.loadWeights(file);
        } else {
            assertThatThrownBy(() -> model.loadWeights(file)).isInstanceOf(ModelFileException.class).hasMessageContaining(error);
        }
    }

    private static void assertRefused(byte[] bytes, String error) {
        assertThatThrownBy(() -> WeightFiles.parseSafetensors(bytes, "f.safetensors")).isInstanceOf(ModelFileException.class)
                .hasMessageContaining(error);
    }

    private static byte[] lengthOnly(long n, int total) {
        return ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    /** A safetensors file: this header (padded to 8), then {@code data} zero bytes. */
    private static byte[] file(String header, long data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate((int) (8 + padded + data)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        return b.array();
    }
}
