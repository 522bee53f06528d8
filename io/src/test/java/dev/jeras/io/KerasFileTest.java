package dev.jeras.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.datasets.NumPy;
import dev.jeras.kernels.contract.ConcurrentPredict;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Softmax;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.metrics.Metric;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;
import dev.jeras.optimizers.SGD;
import dev.jeras.testing.Python;

/** .keras and .weights.h5 files: Keras's structure, read back by the HDF5 C library, and bit-exact round trips. */
class KerasFileTest {

    @TempDir
    Path dir;

    /** The reference model's architecture and names, compiled as the reference was and trained a few steps. */
    static Sequential quickstart(double dropout) {
        Sequential model = new Sequential(
                new Flatten(28, 28).named("flatten"),
                new Dense(128, Activation.RELU).named("dense"),
                new Dropout(dropout).named("dropout"),
                new Dense(10).named("dense_1")).named("sequential").seed(5);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        return model;
    }

    static void train(Sequential model, int steps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < steps; i++) {
            model.trainOnBatch(ConcurrentPredict.input(rng, 32), ConcurrentPredict.labels(rng, 32));
        }
    }

    @Test
    void trainedReferenceRestoresAdamStateExactly() throws Exception {
        Path file = Reference.file("quickstart_trained.keras");
        Sequential model = Sequential.load(file);
        Path values = Files.createDirectory(dir.resolve("values"));
        List<String> lines = H5py.dump(H5py.weightsOf(file, dir), values);
        assertThat(model.optimizer()).isInstanceOf(Adam.class);
        assertThat(lines).contains("optimizer/vars/0 int32 " + model.optimizer().iterations());
        assertThat(model.optimizer().iterations()).isEqualTo(9375);
        // numpy prints a float32 with the fewest digits that read back as that float32.
        String lrLine = lines.stream().filter(l -> l.startsWith("optimizer/vars/1 float32 ")).findFirst().orElseThrow();
        float lr = Float.parseFloat(lrLine.substring("optimizer/vars/1 float32 ".length()));
        assertThat(Float.floatToRawIntBits(model.optimizer().learningRate())).isEqualTo(Float.floatToRawIntBits(lr));
        List<Tensor> slots = model.optimizer().slotVariables();
        assertThat(slots).hasSize(8);
        for (int i = 0; i < slots.size(); i++) {
            Tensor expected = NumPy.loadFloat32(values.resolve("optimizer__vars__" + (i + 2) + ".npy"));
            assertBitwiseEqual(slots.get(i), expected, "Adam variable " + (i + 2));
        }
        assertBitwiseEqual(model.getWeights().get(0), NumPy.loadFloat32(values.resolve("layers__dense__vars__0.npy")), "dense kernel");
        assertThat(model.loss()).isInstanceOf(SparseCategoricalCrossentropy.class);
        assertThat(((SparseCategoricalCrossentropy) model.loss()).fromLogits()).isTrue();
        assertThat(model.metrics()).extracting(Metric::name).containsExactly("accuracy");
    }

    @Test
    void referenceWeightsFileLoadsIntoAJerasModel() throws Exception {
        Sequential model = quickstart(0.2);
        model.loadWeights(Reference.file("quickstart.weights.h5"));
        Tensor logits = model.predict(NumPy.loadFloat32(Reference.file("inputs.npy")));
        Tensor expected = NumPy.loadFloat32(Reference.file("expected_logits.npy"));
        float[] a = logits.toArray();
        float[] b = expected.toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - b[i])).as("logit " + i).isLessThanOrEqualTo(1e-5f);
        }
    }

    @Test
    void savedFileHasTheReferenceStructure() throws Exception {
        Sequential model = quickstart(0.2);
        train(model, 3, 1);
        Path file = dir.resolve("model.keras");
        model.save(file);
        Path reference = Reference.file("quickstart_trained.keras");

        assertThat(entries(file)).containsExactlyElementsOf(entries(reference)).containsExactly(
                "metadata.json STORED", "config.json STORED", "model.weights.h5 STORED");
        assertThat(withoutSharedIds(json(file, "config.json"))).isEqualTo(withoutSharedIds(json(reference, "config.json")));
        assertThat(keys(file, "metadata.json")).isEqualTo(keys(reference, "metadata.json")).isEqualTo("['date_saved', 'keras_version']");

        List<String> ours = H5py.manifest(H5py.weightsOf(file, dir));
        List<String> theirs = H5py.manifest(H5py.weightsOf(reference, dir));
        assertThat(ours).isEqualTo(theirs).contains(
                "layers/dense/vars group name=dense",
                "layers/dense/vars/0 dataset float32 [784, 128]",
                "layers/dense_1/vars/1 dataset float32 [10]",
                "optimizer/vars group name=adam",
                "optimizer/vars/0 dataset int32 []",
                "optimizer/vars/9 dataset float32 [10]");
    }

    @Test
    void uncompiledFileHasTheReferenceStructure() throws Exception {
        Sequential model = new Sequential(
                new Flatten(28, 28).named("flatten"),
                new Dense(128, Activation.RELU).named("dense"),
                new Dropout(0.2).named("dropout"),
                new Dense(10).named("dense_1")).named("sequential");
        model.summary(); // builds it
        Path file = dir.resolve("model.keras");
        model.save(file);
        Path reference = Reference.file("quickstart.keras");
        assertThat(withoutSharedIds(json(file, "config.json"))).isEqualTo(withoutSharedIds(json(reference, "config.json")));
        assertThat(H5py.manifest(H5py.weightsOf(file, dir))).isEqualTo(H5py.manifest(H5py.weightsOf(reference, dir)));
        Path weights = dir.resolve("model.weights.h5");
        model.saveWeights(weights);
        assertThat(H5py.manifest(weights)).isEqualTo(H5py.manifest(Reference.file("quickstart.weights.h5")));
    }

    /** Every layout jeras writes opens in the HDF5 C library, with the values jeras holds. */
    @Test
    void h5pyReadsEveryLayoutJerasWrites() throws Exception {
        Sequential quick = quickstart(0.2);
        train(quick, 2, 3);
        Sequential inner = new Sequential(new Flatten(28, 28), new Dense(16, Activation.RELU).named("hidden"));
        Sequential nested = new Sequential(inner, new Dense(10).named("logits"), new Softmax()).named("outer");
        Sequential probabilities = new Sequential(quickstartBuilt(), new Softmax());
        List<Layer> many = new ArrayList<>(List.of(new Flatten(28, 28)));
        String[] names = {"abc", "abcd", "vars", "layers", "optimizer", "d\u00e9nse", "x", "a_very_long_layer_name_indeed_0123456789"};
        for (String name : names) {
            many.add(new Dense(7, Activation.RELU).named(name));
        }
        many.add(new Dropout(0.1).named("drop"));
        many.add(new Dense(3).named("out"));
        Sequential wide = new Sequential(many.toArray(Layer[]::new)).named("vars");
        Sequential single = new Sequential(new Dense(4, Activation.LINEAR, false).named("only")).named("single");
        single.apply(Tensor.zeros(2, 5));
        Sequential sgd = new Sequential(new Flatten(28, 28), new Dense(10)).named("sgd_model");
        sgd.compile(new SGD(0.1), new SparseCategoricalCrossentropy(true));
        train(sgd, 2, 4);

        for (Sequential model : List.of(quick, nested, probabilities, wide, single, sgd)) {
            if (!model.isBuilt()) {
                model.apply(Tensor.zeros(1, 28, 28));
            }
            Path keras = dir.resolve(model.name() + ".keras");
            model.save(keras);
            Path weights = dir.resolve(model.name() + ".weights.h5");
            model.saveWeights(weights);
            for (Path h5 : List.of(H5py.weightsOf(keras, dir), weights)) {
                Path values = Files.createTempDirectory(dir, "values");
                List<String> lines = H5py.dump(h5, values);
                assertThat(lines).as(model.name()).hasSize(model.weights().size()
                        + (model.optimizer() == null ? 0 : 2 + model.optimizer().slotVariables().size()));
                Sequential loaded = Sequential.load(keras);
                assertThat(loaded.getWeights()).hasSameSizeAs(model.getWeights());
                for (int i = 0; i < model.getWeights().size(); i++) {
                    assertBitwiseEqual(loaded.getWeights().get(i), model.getWeights().get(i), model.name() + " weight " + i);
                }
            }
        }
        // A weight's h5py values are jeras's, bit for bit.
        Path values = Files.createTempDirectory(dir, "wide");
        H5py.dump(dir.resolve("vars.weights.h5"), values);
        assertBitwiseEqual(NumPy.loadFloat32(values.resolve("layers__dense_4__vars__0.npy")), wide.layers().get(5).getWeights().get(0),
                "the kernel of " + names[4]);
    }

    private static Sequential quickstartBuilt() {
        Sequential model = new Sequential(new Flatten(28, 28), new Dense(32, Activation.RELU), new Dense(10));
        model.summary();
        return model;
    }

    @Test
    void saveThenLoadGivesTheSamePredictionsAndWeights() throws Exception {
        Sequential model = quickstart(0.2);
        train(model, 4, 7);
        Path file = dir.resolve("m.keras");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        Tensor x = ConcurrentPredict.input(new SplittableRandom(9), 45);
        assertBitwiseEqual(loaded.predict(x), model.predict(x), "predictions");
        List<Tensor> a = model.getWeights();
        List<Tensor> b = loaded.getWeights();
        for (int i = 0; i < a.size(); i++) {
            assertBitwiseEqual(b.get(i), a.get(i), "weight " + i);
        }
        assertThat(loaded.name()).isEqualTo("sequential");
        assertThat(loaded.layers()).extracting(Layer::name).containsExactly("flatten", "dense", "dropout", "dense_1");
    }

    @Test
    void aFrozenLayerIsSavedFrozenAndLoadsFrozen() throws Exception {
        Sequential model = quickstart(0.0); // no dropout, whose masks follow each model's own random state
        model.layers().get(1).setTrainable(false);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        train(model, 2, 7);
        Path file = dir.resolve("frozen.keras");
        model.save(file);
        assertThat(json(file, "config.json").toString()).contains("\"name\": \"dense\", \"quantization_config\": null, \"trainable\": false");
        Sequential loaded = Sequential.load(file);
        assertThat(loaded.layers()).extracting(Layer::isTrainable).containsExactly(true, false, true, true);
        assertThat(loaded.trainableWeights()).hasSize(2);
        assertThat(loaded.countTrainableParams()).isEqualTo(1290);
        // The optimizer's state covers the trainable weights only, as Keras's does, and training goes on from it.
        assertThat(loaded.optimizer().slotVariables()).hasSize(4); // m and v of dense_1's kernel and bias
        train(loaded, 1, 8);
        train(model, 1, 8);
        List<Tensor> a = model.getWeights();
        List<Tensor> b = loaded.getWeights();
        for (int i = 0; i < a.size(); i++) {
            assertBitwiseEqual(b.get(i), a.get(i), "weight " + i + " after one more step");
        }
    }

    /** Training continues where it stopped: the same step on the original and the loaded model gives the same bits. */
    @Test
    void oneMoreStepAfterLoadingEqualsTheSameStepOnTheOriginal() throws Exception {
        Sequential model = quickstart(0.0);
        train(model, 6, 2);
        Path file = dir.resolve("trained.keras");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertThat(loaded.optimizer().iterations()).isEqualTo(6);
        train(model, 1, 99);
        train(loaded, 1, 99);
        List<Tensor> a = model.getWeights();
        List<Tensor> b = loaded.getWeights();
        for (int i = 0; i < a.size(); i++) {
            assertBitwiseEqual(b.get(i), a.get(i), "weight " + i + " after one more step");
        }
        List<Tensor> ma = model.optimizer().slotVariables();
        List<Tensor> mb = loaded.optimizer().slotVariables();
        for (int i = 0; i < ma.size(); i++) {
            assertBitwiseEqual(mb.get(i), ma.get(i), "Adam variable " + i);
        }
    }

    @Test
    void weightsFileRoundTripRestoresTheOptimizerToo() throws Exception {
        Sequential model = quickstart(0.0);
        train(model, 3, 2);
        Path file = dir.resolve("w.weights.h5");
        model.saveWeights(file);
        Sequential other = quickstart(0.0);
        other.loadWeights(file);
        assertThat(other.optimizer().iterations()).isEqualTo(3);
        train(model, 1, 5);
        train(other, 1, 5);
        for (int i = 0; i < 4; i++) {
            assertBitwiseEqual(other.getWeights().get(i), model.getWeights().get(i), "weight " + i);
        }
    }

    @Test
    void loadWithoutCompileIgnoresTheCompileSettings() throws Exception {
        Sequential model = Sequential.load(Reference.file("quickstart_trained.keras"), false);
        assertThat(model.optimizer()).isNull();
        assertThat(model.loss()).isNull();
    }

    static void assertBitwiseEqual(Tensor actual, Tensor expected, String what) {
        assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
        float[] a = actual.toArray();
        float[] e = expected.toArray();
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(e[i])) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
            }
        }
    }

    private static List<String> entries(Path zipFile) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                names.add(e.getName() + (e.getMethod() == ZipEntry.STORED ? " STORED" : " DEFLATED"));
            }
        }
        return names;
    }

    private static Object json(Path zipFile, String entry) throws Exception {
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            String text = new String(zip.getInputStream(zip.getEntry(entry)).readAllBytes(), StandardCharsets.UTF_8);
            return Python.run("import sys, json; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))",
                    write(text)).strip();
        }
    }

    private static String keys(Path zipFile, String entry) throws Exception {
        return Python.run("import sys, json; print(sorted(json.loads(sys.argv[1]).keys()))", (String) json(zipFile, entry)).strip();
    }

    private static String write(String text) throws Exception {
        Path f = Files.createTempFile("config", ".json");
        Files.writeString(f, text);
        f.toFile().deleteOnExit();
        return f.toString();
    }

    /** Python's view of the JSON with every shared_object_id removed (Keras adds them to shared objects, optionally). */
    private static String withoutSharedIds(Object pythonJson) throws Exception {
        return Python.run("""
                import sys, json
                def strip(o):
                    if isinstance(o, dict):
                        return {k: strip(v) for k, v in o.items() if k != "shared_object_id"}
                    if isinstance(o, list):
                        return [strip(v) for v in o]
                    return o
                print(json.dumps(strip(json.loads(sys.argv[1])), sort_keys=True, indent=1))
                """, (String) pythonJson).strip();
    }
}
