package dev.jeras.saving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.hdf5.Hdf5.Dataset;
import dev.jeras.hdf5.Hdf5.Group;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Parameter;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Optimizer;

/**
 * The tree of Keras's {@code model.weights.h5} (also a {@code .weights.h5} on its own), as Keras's
 * {@code saving_lib} lays it out: a model's layers under {@code layers/<class in snake_case>} made
 * unique in order ({@code dense}, {@code dense_1}), each layer's weights as datasets {@code 0},
 * {@code 1}, ... in a {@code vars} group whose {@code name} attribute is the layer's name, a nested
 * model the same way one level down, and a compiled model's optimizer state in
 * {@code optimizer/vars} (iterations, learning rate, then per trainable weight its slots).
 *
 * <p>Groups that would hold no dataset (the model's own {@code vars}, and those of Flatten or
 * Dropout) are left out: Keras loads such files, and jhdf, the HDF5 writer of {@code jeras-io},
 * writes an empty group that ends a file over the file's last bytes (see docs/DESIGN.md).
 */
final class KerasWeights {

    private KerasWeights() {
    }

    /** The weights (and, once it has state, the optimizer's) of a built model as an HDF5 tree. */
    static Group write(Sequential model) {
        Group root = Group.create();
        addModel(root, model);
        return root;
    }

    private static void addModel(Group group, Sequential model) {
        Group layers = Group.create();
        Map<String, Integer> used = new HashMap<>();
        for (Layer layer : model.layers()) {
            String key = uniqueName(snakeCase(layer.typeName()), used);
            Group layerGroup = Group.create();
            if (layer instanceof Sequential nested) {
                addModel(layerGroup, nested);
            } else if (!layer.weights().isEmpty()) {
                Group vars = vars(layer.name());
                int i = 0;
                for (Parameter p : layer.weights()) {
                    vars.datasets().put(Integer.toString(i++), Dataset.float32(p.shape().dims(), p.value().array()));
                }
                layerGroup.groups().put("vars", vars);
            }
            if (!layerGroup.holdsNoData()) {
                layers.groups().put(key, layerGroup);
            }
        }
        if (!layers.holdsNoData()) {
            group.groups().put("layers", layers);
        }
        Optimizer optimizer = model.optimizer();
        if (optimizer != null && (optimizer.isBuilt() || optimizer.iterations() > 0)) {
            // Keras's optimizer.variables: iterations, learning_rate (not with a schedule), then the slots.
            Group vars = vars(optimizer.kerasName());
            int index = 0;
            vars.datasets().put(Integer.toString(index++), Dataset.int32(Math.toIntExact(optimizer.iterations())));
            if (optimizer.schedule() == null) {
                vars.datasets().put(Integer.toString(index++), Dataset.float32(new int[0], new float[] {optimizer.learningRate()}));
            }
            for (Tensor slot : optimizer.slotVariables()) {
                vars.datasets().put(Integer.toString(index++), Dataset.float32(slot.shape().dims(), slot.toArray()));
            }
            Group opt = Group.create();
            opt.groups().put("vars", vars);
            group.groups().put("optimizer", opt);
        }
    }

    private static Group vars(String name) {
        Group vars = Group.create();
        vars.attributes().put("name", name);
        return vars;
    }

    /** Keras's {@code naming.to_snake_case}: {@code Dense} to {@code dense}, {@code BatchNormalization} to {@code batch_normalization}. */
    static String snakeCase(String className) {
        String s = className.replaceAll("(?U)\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Keras's {@code _get_unique_name}: the first {@code dense}, then {@code dense_1}, {@code dense_2}. */
    private static String uniqueName(String name, Map<String, Integer> used) {
        Integer n = used.get(name);
        used.put(name, n == null ? 0 : n + 1);
        return n == null ? name : name + "_" + (n + 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Reading

    /**
     * Loads the weights in {@code root} into the built {@code model} and, with {@code optimizers},
     * the state of each compiled model's optimizer where the file has it. Everything is checked
     * first (every layer's datasets: count, dtype, shape; no dataset the model has no place for),
     * then copied, so on any error the model is unchanged.
     */
    static void read(Group root, Sequential model, boolean optimizers, String source) {
        List<Runnable> copies = new ArrayList<>();
        readModel(root, "", model, optimizers, source, copies);
        for (Runnable copy : copies) {
            copy.run();
        }
    }

    private static void readModel(Group group, String path, Sequential model, boolean optimizers, String source,
                                  List<Runnable> copies) {
        Group layers = group.groups().get("layers");
        Map<String, Integer> used = new HashMap<>();
        Map<String, Layer> expected = new LinkedHashMap<>();
        for (Layer layer : model.layers()) {
            String key = uniqueName(snakeCase(layer.typeName()), used);
            expected.put(key, layer);
            Group layerGroup = layers == null ? null : layers.groups().get(key);
            String at = path + "layers/" + key;
            if (layer instanceof Sequential nested) {
                readModel(layerGroup == null ? Group.create() : layerGroup, at + "/", nested, optimizers, source, copies);
                continue;
            }
            List<Parameter> weights = layer.weights();
            Group vars = layerGroup == null ? null : layerGroup.groups().get("vars");
            int found = vars == null ? 0 : vars.datasets().size();
            if (found != weights.size()) {
                throw new IllegalArgumentException(source + ": layer '" + layer.name() + "' (" + layer.typeName() + ") has "
                        + weights.size() + " weights " + names(weights) + ", but the file holds " + found + " at " + at + "/vars"
                        + (found == 0 ? " (the file is for another model, or the model's layers differ from the file's)" : ""));
            }
            for (int i = 0; i < weights.size(); i++) {
                Parameter p = weights.get(i);
                float[] values = floats(vars, i, p.shape(), source, "layer '" + layer.name() + "' weight " + p.name(), at + "/vars/" + i);
                copies.add(() -> System.arraycopy(values, 0, p.value().array(), 0, values.length));
            }
            if (layerGroup != null) {
                rejectOthers(layerGroup, Map.of("vars", true), at, source);
            }
        }
        if (layers != null) {
            for (String key : layers.groups().keySet()) {
                if (!expected.containsKey(key) && !layers.groups().get(key).holdsNoData()) {
                    throw new IllegalArgumentException(source + ": the file holds weights at " + path + "layers/" + key
                            + " but model '" + model.name() + "' has no such layer; its layers are " + expected.keySet());
                }
            }
        }
        Group optimizer = group.groups().get("optimizer");
        if (optimizers && optimizer != null && model.optimizer() != null && optimizer.groups().containsKey("vars")) {
            readOptimizer(optimizer.groups().get("vars"), path + "optimizer/vars", model, source, copies);
        }
    }

    private static void readOptimizer(Group vars, String at, Sequential model, String source, List<Runnable> copies) {
        Optimizer optimizer = model.optimizer();
        List<Parameter> params = model.trainableWeights();
        optimizer.build(params);
        List<Tensor> slots = optimizer.slotVariables();
        int first = optimizer.schedule() == null ? 2 : 1;
        int expected = first + slots.size();
        if (vars.datasets().size() != expected) {
            throw new IllegalArgumentException(source + ": the " + optimizer.kerasName() + " state at " + at + " holds "
                    + vars.datasets().size() + " variables, but " + optimizer.kerasName() + " on model '" + model.name()
                    + "' has " + expected + " (iterations, " + (first == 2 ? "learning rate, " : "") + "and " + slots.size()
                    + " for its " + params.size() + " trainable weights); load it with compile=false, or compile with the optimizer "
                    + "it was saved with");
        }
        Dataset iterations = dataset(vars, 0, at, source);
        if (iterations.longs() == null || iterations.shape().length != 0 || iterations.longs()[0] < 0) {
            throw new IllegalArgumentException(source + ": " + at + "/0, the optimizer's iteration count, must be a non-negative "
                    + "integer scalar, found " + iterations);
        }
        float lr = optimizer.learningRate();
        if (first == 2) {
            lr = floats(vars, 1, Shape.of(), source, "the optimizer's learning rate", at + "/1")[0];
            if (!(lr > 0) || !Float.isFinite(lr)) {
                throw new IllegalArgumentException(source + ": " + at + "/1, the learning rate, must be positive, found " + lr);
            }
        }
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            values.add(floats(vars, first + i, slots.get(i).shape(), source, "the optimizer's state variable " + (first + i),
                    at + "/" + (first + i)));
        }
        long steps = iterations.longs()[0];
        float rate = lr;
        copies.add(() -> optimizer.setState(steps, rate, values));
    }

    private static Dataset dataset(Group vars, int index, String at, String source) {
        Dataset d = vars.datasets().get(Integer.toString(index));
        if (d == null) {
            throw new IllegalArgumentException(source + ": " + at + " has no dataset '" + index + "'; it holds "
                    + vars.datasets().keySet() + ", which should be 0, 1, ... in order");
        }
        return d;
    }

    private static float[] floats(Group vars, int index, Shape shape, String source, String what, String at) {
        Dataset d = dataset(vars, index, at.substring(0, at.lastIndexOf('/')), source);
        if (!d.dtype().equals(Dataset.FLOAT32) || d.floats() == null) {
            throw new IllegalArgumentException(source + ": " + what + " at " + at + " is " + d.dtype() + "; jeras reads float32");
        }
        if (!Shape.of(d.shape()).equals(shape)) {
            throw new IllegalArgumentException(source + ": " + what + " at " + at + " has shape " + Shape.of(d.shape())
                    + ", expected " + shape);
        }
        return d.floats();
    }

    private static void rejectOthers(Group group, Map<String, Boolean> allowed, String at, String source) {
        for (Map.Entry<String, Group> e : group.groups().entrySet()) {
            if (!allowed.containsKey(e.getKey()) && !e.getValue().holdsNoData()) {
                throw new IllegalArgumentException(source + ": the file holds weights at " + at + "/" + e.getKey()
                        + " that the model has no place for");
            }
        }
        if (!group.datasets().isEmpty()) {
            throw new IllegalArgumentException(source + ": the file holds datasets " + group.datasets().keySet() + " directly in "
                    + at + ", where Keras keeps none");
        }
    }

    private static List<String> names(List<Parameter> weights) {
        List<String> names = new ArrayList<>();
        for (Parameter p : weights) {
            names.add(p.name());
        }
        return names;
    }
}
