package dev.jeras.saving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.jeras.internal.Json;
import dev.jeras.Shape;
import dev.jeras.activations.Activation;
import dev.jeras.initializers.Initializer;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Softmax;
import dev.jeras.losses.Loss;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.metrics.Metric;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;
import dev.jeras.optimizers.Optimizer;
import dev.jeras.optimizers.SGD;

/**
 * Keras 3's {@code config.json}: a {@link Sequential} model, its layers and its compile settings as
 * the JSON objects Keras's {@code serialize_keras_object} makes, and back. Written exactly as Keras
 * 3.15 writes the quickstart model (keys, order, nesting; {@code shared_object_id} left out); read
 * from the files of Keras 3.0 to 3.16, ignoring keys jeras does not know, and refusing with a clear
 * error anything jeras would compute differently: a layer class it lacks, a non-float32 dtype, a
 * regularizer, an optimizer option such as {@code amsgrad}. Reading creates objects only from
 * the classes listed in {@link #SUPPORTED}; nothing in a file names code to run.
 */
final class KerasConfig {

    /** The Keras version whose files jeras writes (the layout of {@code ../shared/keras-format/}). */
    static final String KERAS_VERSION = "3.15.1";

    static final String SUPPORTED = "InputLayer, Flatten, Dense (linear or relu), Dropout, Softmax and nested Sequential models";

    private KerasConfig() {
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    /** The model as {@code config.json}'s top-level object; the model must be built. */
    static Map<String, Object> write(Sequential model) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", model.name());
        config.put("trainable", true);
        config.put("dtype", dtypePolicy());
        List<Object> layers = new ArrayList<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("batch_shape", batchShape(model.inputShape()));
        input.put("dtype", "float32");
        input.put("sparse", false);
        input.put("ragged", false);
        input.put("name", "input_layer");
        input.put("optional", false);
        layers.add(object("keras.layers", "InputLayer", input, null));
        for (Layer layer : model.layers()) {
            layers.add(writeLayer(layer));
        }
        config.put("layers", layers);
        config.put("build_input_shape", batchShape(model.inputShape()));
        Map<String, Object> serialized = object("keras", "Sequential", config, buildConfig(model));
        serialized.put("compile_config", model.loss() == null ? new LinkedHashMap<>() : writeCompile(model));
        return serialized;
    }

    private static Map<String, Object> writeLayer(Layer layer) {
        if (layer instanceof Sequential nested) {
            return write(nested);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", layer.name());
        config.put("trainable", true);
        config.put("dtype", dtypePolicy());
        switch (layer) {
            case Dense dense -> {
                config.put("units", dense.units());
                config.put("activation", dense.activation() == Activation.RELU ? "relu" : "linear");
                config.put("use_bias", dense.useBias());
                config.put("kernel_initializer", writeInitializer(dense, dense.kernelInitializer()));
                config.put("bias_initializer", writeInitializer(dense, dense.biasInitializer()));
                config.put("kernel_regularizer", null);
                config.put("bias_regularizer", null);
                config.put("kernel_constraint", null);
                config.put("bias_constraint", null);
                config.put("quantization_config", null);
                return object("keras.layers", "Dense", config, buildConfig(layer));
            }
            case Flatten flatten -> {
                config.put("data_format", "channels_last");
                return object("keras.layers", "Flatten", config, buildConfig(layer));
            }
            case Dropout dropout -> {
                config.put("rate", dropout.rate());
                config.put("seed", null);
                config.put("noise_shape", null);
                return object("keras.layers", "Dropout", config, null); // built at construction in Keras: no build_config
            }
            case Softmax softmax -> {
                config.put("axis", -1L);
                return object("keras.layers", "Softmax", config, null);
            }
            default -> throw new IllegalArgumentException("layer " + layer.name() + " is a " + layer.getClass().getName()
                    + ", which a .keras file cannot describe (it holds " + SUPPORTED + "); save its weights instead, "
                    + "with saveWeights to a .weights.h5, .safetensors or .npz file");
        }
    }

    private static Object writeInitializer(Dense layer, Initializer initializer) {
        return switch (initializer) {
            case Initializer.Builtin builtin -> {
                Map<String, Object> config = new LinkedHashMap<>();
                if (builtin == Initializer.Builtin.GLOROT_UNIFORM) {
                    config.put("seed", null);
                    config.put("input_axes", null);
                    config.put("output_axes", null);
                }
                yield object("keras.initializers", builtin.kerasClass(), config, null);
            }
            case KerasInitializer loaded -> loaded.serialized();
            default -> throw new IllegalArgumentException("layer " + layer.name() + " has an initializer of its own ("
                    + initializer.getClass().getName() + "), which a .keras file cannot name; use Initializer.glorotUniform(), "
                    + "zeros() or ones(), or save the weights only, with saveWeights");
        };
    }

    private static Map<String, Object> writeCompile(Sequential model) {
        Map<String, Object> compile = new LinkedHashMap<>();
        compile.put("optimizer", writeOptimizer(model.optimizer()));
        SparseCategoricalCrossentropy loss = (SparseCategoricalCrossentropy) model.loss();
        Map<String, Object> lossConfig = new LinkedHashMap<>();
        lossConfig.put("name", "sparse_categorical_crossentropy");
        lossConfig.put("reduction", "sum_over_batch_size");
        lossConfig.put("from_logits", loss.fromLogits());
        lossConfig.put("ignore_class", null);
        compile.put("loss", object("keras.losses", "SparseCategoricalCrossentropy", lossConfig, null));
        compile.put("loss_weights", null);
        List<Object> metrics = new ArrayList<>();
        for (Metric m : model.metrics()) {
            metrics.add(m.kerasName());
        }
        compile.put("metrics", metrics.isEmpty() ? null : metrics);
        compile.put("weighted_metrics", null);
        compile.put("run_eagerly", false);
        compile.put("steps_per_execution", 1L);
        compile.put("jit_compile", false);
        return compile;
    }

    private static Map<String, Object> writeOptimizer(Optimizer optimizer) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", optimizer.kerasName());
        config.put("learning_rate", (double) optimizer.learningRate());
        for (String key : List.of("weight_decay", "clipnorm", "global_clipnorm", "clipvalue")) {
            config.put(key, null);
        }
        config.put("use_ema", false);
        config.put("ema_momentum", 0.99);
        config.put("ema_overwrite_frequency", null);
        config.put("loss_scale_factor", null);
        config.put("gradient_accumulation_steps", null);
        String className;
        if (optimizer instanceof Adam adam) {
            className = "Adam";
            config.put("beta_1", adam.beta1());
            config.put("beta_2", adam.beta2());
            config.put("epsilon", adam.epsilon());
            config.put("amsgrad", false);
        } else {
            className = "SGD";
            config.put("momentum", 0.0);
            config.put("nesterov", false);
        }
        return object("keras.optimizers", className, config, null);
    }

    /** Keras's envelope of a serialized object, in its key order. */
    private static Map<String, Object> object(String module, String className, Object config, Object buildConfig) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("module", module);
        o.put("class_name", className);
        o.put("config", config);
        o.put("registered_name", null);
        if (buildConfig != null) {
            o.put("build_config", buildConfig);
        }
        return o;
    }

    private static Map<String, Object> dtypePolicy() {
        return object("keras", "DTypePolicy", new LinkedHashMap<>(Map.of("name", "float32")), null);
    }

    private static Map<String, Object> buildConfig(Layer layer) {
        Map<String, Object> build = new LinkedHashMap<>();
        build.put("input_shape", batchShape(layer.inputShape()));
        return build;
    }

    private static List<Object> batchShape(Shape sample) {
        List<Object> dims = new ArrayList<>();
        dims.add(null);
        for (int d : sample.dims()) {
            dims.add((long) d);
        }
        return dims;
    }

    // ---------------------------------------------------------------------------------------------
    // Reading

    /**
     * A model read from a config: its layers (not built, so nothing the size of a weight is
     * allocated yet), the shapes it will be built for and will output, how many weight values
     * building it creates, and its compile settings, or null.
     */
    record Read(Sequential model, Shape inputShape, Shape outputShape, long weightValues, Compile compile) {
    }

    /** The settings of {@code compile}. */
    record Compile(Optimizer optimizer, Loss loss, Metric[] metrics) {
    }

    /**
     * Reads {@code config.json}'s top-level object, which must describe a Sequential model;
     * {@code source} names the file in errors. With {@code compile}, its compile settings too.
     */
    static Read read(Object json, String source, boolean compile) {
        Node top = new Node(json, source + ": config.json");
        String className = top.string("class_name");
        if (!className.equals("Sequential")) {
            throw top.error("the model is a " + className + "; jeras loads Sequential models (" + SUPPORTED + ")");
        }
        return readSequential(top, compile);
    }

    private static Read readSequential(Node model, boolean compile) {
        checkRegistered(model);
        Node config = model.object("config");
        String name = config.string("name");
        Node where = config.named("model '" + name + "'");
        checkCommon(where);
        List<Object> entries = where.list("layers");
        Shape input = null;
        Shape firstBuilt = null;
        List<Layer> layers = new ArrayList<>();
        List<Read> nested = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Node layer = new Node(entries.get(i), where.context + ", layer " + i);
            String className = layer.string("class_name");
            if (className.equals("InputLayer")) {
                if (i != 0) {
                    throw layer.error("an InputLayer may only come first");
                }
                input = readInputLayer(layer.object("config").named("InputLayer"));
                continue;
            }
            if (layers.isEmpty()) {
                firstBuilt = buildShape(layer);
            }
            Read inner = className.equals("Sequential") ? readSequential(layer, compile) : null;
            layers.add(inner != null ? inner.model() : readLayer(layer, className));
            nested.add(inner);
        }
        if (layers.isEmpty()) {
            throw where.error("it has no layers");
        }
        input = input != null ? input : buildShape(model) != null ? buildShape(model) : firstBuilt;
        if (input == null) {
            throw where.error("it declares no input shape (no InputLayer, no build_config): a model that was never built has no weights to load");
        }
        // What building will allocate, from the config alone, checked against the weights file before anything is built.
        long weights = 0;
        Shape shape = input;
        for (int i = 0; i < layers.size(); i++) {
            Node at = where.named("layer '" + layers.get(i).name() + "'");
            if (nested.get(i) != null) {
                if (!nested.get(i).inputShape().equals(shape)) {
                    throw at.error("the nested model expects samples of shape " + nested.get(i).inputShape().toBatchString()
                            + " but receives " + shape.toBatchString());
                }
                weights += nested.get(i).weightValues();
                shape = nested.get(i).outputShape();
            } else {
                weights += weightValues(layers.get(i), shape, at);
                shape = outputShape(layers.get(i), shape);
            }
        }
        Sequential sequential = new Sequential(input, layers.toArray(Layer[]::new)).named(name);
        Compile settings = null;
        if (compile && model.has("compile_config") && !model.isNull("compile_config")) {
            Node c = model.object("compile_config").named("model '" + name + "': compile_config");
            if (!c.isEmpty()) {
                settings = readCompile(c);
            }
        }
        return new Read(sequential, input, shape, weights, settings);
    }

    /** The weight values a built-in layer creates for samples of {@code input}, as its {@code onBuild} will. */
    private static long weightValues(Layer layer, Shape input, Node where) {
        if (layer instanceof Dense dense) {
            if (input.rank() != 1) {
                throw where.error("Dense receives samples of shape " + input.toBatchString() + "; it needs flat ones (a Flatten first)");
            }
            return (long) input.dim(0) * dense.units() + (dense.useBias() ? dense.units() : 0);
        }
        return 0; // Flatten, Dropout and Softmax have no weights
    }

    /** The output sample shape of a built-in layer, as its {@code onBuild} will return it. */
    private static Shape outputShape(Layer layer, Shape input) {
        return switch (layer) {
            case Dense dense -> Shape.of(dense.units());
            case Flatten flatten -> Shape.of(Math.toIntExact(sizeOf(input)));
            default -> input;
        };
    }

    private static long sizeOf(Shape s) {
        long n = 1;
        for (int d : s.dims()) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + s + " holds more than 2^31-1 values");
        }
        return n;
    }

    private static Shape readInputLayer(Node config) {
        String key = config.has("batch_shape") ? "batch_shape" : "batch_input_shape";
        Shape shape = batchShapeOf(config, key);
        if (config.has("sparse") && config.bool("sparse")) {
            throw config.error("sparse inputs are not supported; jeras computes on dense float32 arrays");
        }
        if (config.has("ragged") && config.bool("ragged")) {
            throw config.error("ragged inputs are not supported; jeras computes on dense float32 arrays");
        }
        if (config.has("dtype") && !config.isNull("dtype")) {
            checkDtype(config, config.get("dtype"));
        }
        return shape;
    }

    private static Shape buildShape(Node layer) {
        if (!layer.has("build_config") || layer.isNull("build_config")) {
            return null;
        }
        Node build = layer.object("build_config").named("build_config");
        return build.has("input_shape") && !build.isNull("input_shape") ? batchShapeOf(build, "input_shape") : null;
    }

    /** A per-sample shape from a batch shape such as {@code [null, 28, 28]}. */
    private static Shape batchShapeOf(Node config, String key) {
        List<Object> dims = config.list(key);
        if (dims.size() < 2) {
            throw config.error("'" + key + "' must be a batch shape such as [null, 28, 28], found " + dims);
        }
        int[] sample = new int[dims.size() - 1];
        for (int i = 1; i < dims.size(); i++) {
            if (!(dims.get(i) instanceof Long d) || d < 1 || d > Integer.MAX_VALUE) {
                throw config.error("'" + key + "' must be [null, positive integers...], found " + dims);
            }
            sample[i - 1] = (int) (long) d;
        }
        return Shape.of(sample);
    }

    private static Layer readLayer(Node layer, String className) {
        checkRegistered(layer);
        Node config = layer.object("config");
        String name = config.string("name");
        Node c = config.named(className + " '" + name + "'");
        checkCommon(c);
        Layer created = switch (className) {
            case "Dense" -> readDense(c);
            case "Flatten" -> {
                if (c.has("data_format") && !c.isNull("data_format") && !c.string("data_format").equals("channels_last")) {
                    throw c.error("data_format '" + c.string("data_format") + "' is not supported; jeras flattens channels_last samples");
                }
                yield new Flatten();
            }
            case "Dropout" -> {
                if (c.has("noise_shape") && !c.isNull("noise_shape")) {
                    throw c.error("a noise_shape is not supported; jeras drops each value on its own");
                }
                double rate = c.number("rate");
                if (!(rate >= 0 && rate < 1)) {
                    throw c.error("'rate' must be in [0, 1), found " + rate);
                }
                yield new Dropout(rate); // Keras's seed is not kept: the model's seed drives dropout
            }
            case "Softmax" -> {
                if (c.has("axis") && !(c.get("axis") instanceof Long axis && axis == -1)) {
                    throw c.error("softmax over axis " + c.get("axis") + " is not supported; jeras takes it over the last axis (-1)");
                }
                yield new Softmax();
            }
            default -> throw layer.error("layer '" + name + "' is a " + className + ", which jeras does not have; it loads "
                    + SUPPORTED);
        };
        return created.named(name);
    }

    private static Dense readDense(Node c) {
        long units = c.integer("units");
        if (units < 1 || units > Integer.MAX_VALUE) {
            throw c.error("'units' must be a positive integer, found " + units);
        }
        Activation activation = Activation.LINEAR;
        if (c.has("activation") && !c.isNull("activation")) {
            Object a = c.get("activation");
            String name = a instanceof Map<?, ?> m && m.get("config") instanceof String s ? s : a instanceof String s ? s : String.valueOf(a);
            activation = switch (name) {
                case "linear" -> Activation.LINEAR;
                case "relu" -> Activation.RELU;
                default -> throw c.error("activation '" + name + "' is not supported; jeras's Dense computes linear and relu "
                        + "(for softmax, a Softmax layer after a linear Dense gives the same outputs)");
            };
        }
        for (String key : List.of("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                "bias_constraint", "quantization_config", "lora_rank")) {
            if (c.has(key) && !c.isNull(key)) {
                throw c.error("'" + key + "' is set (" + compact(c.get(key)) + "), which jeras does not support");
            }
        }
        boolean useBias = !c.has("use_bias") || c.bool("use_bias");
        Dense dense = new Dense((int) units, activation, useBias);
        if (c.has("kernel_initializer")) {
            dense.kernelInitializer(readInitializer(c, "kernel_initializer"));
        }
        if (c.has("bias_initializer")) {
            dense.biasInitializer(readInitializer(c, "bias_initializer"));
        }
        return dense;
    }

    /** A Keras initializer jeras has, or one it keeps only to write back (a loaded layer is built from the file's weights). */
    private static Initializer readInitializer(Node c, String key) {
        Object value = c.get(key);
        String className = value instanceof Map<?, ?> m && m.get("class_name") instanceof String s ? s
                : value instanceof String s ? s : null;
        if (className == null) {
            throw c.error("'" + key + "' must be an initializer object or name, found " + compact(value));
        }
        for (Initializer.Builtin builtin : Initializer.Builtin.values()) {
            boolean sameClass = builtin.kerasClass().equals(className)
                    || builtin.kerasClass().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT).equals(className);
            if (sameClass && (!(value instanceof Map<?, ?> m) || !(m.get("config") instanceof Map<?, ?> cfg) || cfg.get("seed") == null)) {
                return builtin;
            }
        }
        return new KerasInitializer(value);
    }

    private static Compile readCompile(Node c) {
        Optimizer optimizer = readOptimizer(c);
        Loss loss = readLoss(c);
        List<Metric> metrics = new ArrayList<>();
        if (c.has("metrics") && !c.isNull("metrics")) {
            for (Object m : c.list("metrics")) {
                if (!(m instanceof String s && (s.equals("accuracy") || s.equals("acc")))) {
                    throw c.error("metric " + compact(m) + " is not supported; jeras computes \"accuracy\" "
                            + "(load with compile=false to skip the compile settings)");
                }
                metrics.add(Metric.ACCURACY);
            }
        }
        for (String key : List.of("loss_weights", "weighted_metrics")) {
            if (c.has(key) && !c.isNull(key) && !(c.get(key) instanceof List<?> l && l.isEmpty())) {
                throw c.error("'" + key + "' is set, which jeras does not support (load with compile=false to skip the compile settings)");
            }
        }
        return new Compile(optimizer, loss, metrics.toArray(Metric[]::new));
    }

    private static Optimizer readOptimizer(Node c) {
        Object value = c.get("optimizer");
        if (value instanceof String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "adam" -> new Adam();
                case "sgd" -> new SGD();
                default -> throw c.error("optimizer '" + s + "' is not supported; jeras has Adam and SGD "
                        + "(load with compile=false to skip the compile settings)");
            };
        }
        Node o = c.object("optimizer");
        String className = o.string("class_name");
        Node config = o.object("config").named("optimizer " + className);
        if (config.get("learning_rate") instanceof Map) {
            throw config.error("a learning-rate schedule is not supported yet; jeras takes a constant learning rate");
        }
        double lr = config.number("learning_rate");
        for (String key : List.of("weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "loss_scale_factor",
                "gradient_accumulation_steps")) {
            if (config.has(key) && !config.isNull(key)) {
                throw config.error("'" + key + "' is set, which jeras does not support (load with compile=false to skip the compile settings)");
            }
        }
        if (config.has("use_ema") && config.bool("use_ema")) {
            throw config.error("use_ema is set, which jeras does not support (load with compile=false to skip the compile settings)");
        }
        return switch (className) {
            case "Adam" -> {
                if (config.has("amsgrad") && config.bool("amsgrad")) {
                    throw config.error("amsgrad is set, which jeras does not support yet (load with compile=false to skip the compile settings)");
                }
                yield new Adam(lr, numberOr(config, "beta_1", 0.9), numberOr(config, "beta_2", 0.999), numberOr(config, "epsilon", 1e-7));
            }
            case "SGD" -> {
                if (numberOr(config, "momentum", 0) != 0 || (config.has("nesterov") && config.bool("nesterov"))) {
                    throw config.error("SGD with momentum is not supported yet (load with compile=false to skip the compile settings)");
                }
                yield new SGD(lr);
            }
            default -> throw o.error("optimizer " + className + " is not supported; jeras has Adam and SGD "
                    + "(load with compile=false to skip the compile settings)");
        };
    }

    private static double numberOr(Node config, String key, double fallback) {
        return config.has(key) && !config.isNull(key) ? config.number(key) : fallback;
    }

    private static Loss readLoss(Node c) {
        Object value = c.get("loss");
        if (value instanceof String s) {
            if (s.equals("sparse_categorical_crossentropy")) {
                return new SparseCategoricalCrossentropy(false);
            }
            throw c.error("loss '" + s + "' is not supported; jeras has sparse_categorical_crossentropy "
                    + "(load with compile=false to skip the compile settings)");
        }
        Node loss = c.object("loss");
        String className = loss.string("class_name");
        if (!className.equals("SparseCategoricalCrossentropy")) {
            throw loss.error("loss " + className + " is not supported; jeras has SparseCategoricalCrossentropy "
                    + "(load with compile=false to skip the compile settings)");
        }
        Node config = loss.object("config").named("loss " + className);
        if (config.has("ignore_class") && !config.isNull("ignore_class")) {
            throw config.error("ignore_class is set, which jeras does not support");
        }
        if (config.has("reduction") && !config.isNull("reduction") && !config.string("reduction").equals("sum_over_batch_size")) {
            throw config.error("reduction '" + config.string("reduction") + "' is not supported; jeras averages over the batch "
                    + "(sum_over_batch_size)");
        }
        return new SparseCategoricalCrossentropy(config.has("from_logits") && config.bool("from_logits"));
    }

    /** The keys every layer config has: a float32 dtype, and trainable (jeras cannot freeze a layer yet). */
    private static void checkCommon(Node c) {
        if (c.has("dtype") && !c.isNull("dtype")) {
            checkDtype(c, c.get("dtype"));
        }
        if (c.has("trainable") && !c.bool("trainable")) {
            throw c.error("it is frozen (trainable: false), which jeras does not support yet");
        }
    }

    private static void checkDtype(Node c, Object dtype) {
        String name = dtype instanceof String s ? s
                : dtype instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> cfg && cfg.get("name") instanceof String s ? s
                : null;
        if (!"float32".equals(name)) {
            throw c.error("its dtype is " + compact(dtype) + "; jeras computes in float32 only");
        }
    }

    /** A custom object Keras would look up by its registered name is code jeras does not have. */
    private static void checkRegistered(Node object) {
        if (object.has("registered_name") && !object.isNull("registered_name")) {
            String registered = object.string("registered_name");
            if (!registered.equals(object.string("class_name"))) {
                throw object.error("it is the custom class '" + registered + "', which jeras does not have; it loads " + SUPPORTED);
            }
        }
    }

    /** A JSON value with where it is, for errors that name the file, the layer and the key. */
    private record Node(Object value, String context) {

        Node named(String what) {
            return new Node(value, context + ", " + what);
        }

        private Map<?, ?> map() {
            if (!(value instanceof Map<?, ?> m)) {
                throw error("expected a JSON object, found " + compact(value));
            }
            return m;
        }

        boolean has(String key) {
            return map().containsKey(key);
        }

        boolean isNull(String key) {
            return map().get(key) == null;
        }

        boolean isEmpty() {
            return map().isEmpty();
        }

        Object get(String key) {
            if (!has(key)) {
                throw error("the key '" + key + "' is missing");
            }
            return map().get(key);
        }

        Node object(String key) {
            Object v = get(key);
            if (!(v instanceof Map)) {
                throw error("'" + key + "' must be a JSON object, found " + compact(v));
            }
            return new Node(v, context);
        }

        List<Object> list(String key) {
            Object v = get(key);
            if (!(v instanceof List<?> l)) {
                throw error("'" + key + "' must be a JSON array, found " + compact(v));
            }
            return new ArrayList<>(l);
        }

        String string(String key) {
            Object v = get(key);
            if (!(v instanceof String s)) {
                throw error("'" + key + "' must be a string, found " + compact(v));
            }
            return s;
        }

        boolean bool(String key) {
            Object v = get(key);
            if (!(v instanceof Boolean b)) {
                throw error("'" + key + "' must be true or false, found " + compact(v));
            }
            return b;
        }

        long integer(String key) {
            Object v = get(key);
            if (v instanceof Long l) {
                return l;
            }
            if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
                return (long) (double) d;
            }
            throw error("'" + key + "' must be an integer, found " + compact(v));
        }

        double number(String key) {
            Object v = get(key);
            if (v instanceof Long l) {
                return l;
            }
            if (v instanceof Double d && Double.isFinite(d)) {
                return d;
            }
            throw error("'" + key + "' must be a finite number, found " + compact(v));
        }

        IllegalArgumentException error(String why) {
            return new IllegalArgumentException(context + ": " + why);
        }
    }

    /** A value as JSON, shortened, for messages. */
    private static String compact(Object value) {
        String s = Json.write(value);
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
