package dev.jeras.saving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.jeras.Shape;
import dev.jeras.activations.Activation;
import dev.jeras.initializers.Initializer;
import dev.jeras.internal.Json;
import dev.jeras.layers.ActivationLayer;
import dev.jeras.layers.BatchNormalization;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Rescaling;
import dev.jeras.layers.Softmax;
import dev.jeras.losses.BinaryCrossentropy;
import dev.jeras.losses.CategoricalCrossentropy;
import dev.jeras.losses.Huber;
import dev.jeras.losses.Loss;
import dev.jeras.losses.MeanAbsoluteError;
import dev.jeras.losses.MeanSquaredError;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.metrics.Metric;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adagrad;
import dev.jeras.optimizers.Adam;
import dev.jeras.optimizers.AdamW;
import dev.jeras.optimizers.Optimizer;
import dev.jeras.optimizers.RMSprop;
import dev.jeras.optimizers.SGD;
import dev.jeras.optimizers.schedules.CosineDecay;
import dev.jeras.optimizers.schedules.ExponentialDecay;
import dev.jeras.optimizers.schedules.LearningRateSchedule;
import dev.jeras.optimizers.schedules.PiecewiseConstantDecay;
import dev.jeras.regularizers.Regularizer;

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

    static final String SUPPORTED = "InputLayer, Flatten, Dense, Activation, Dropout, Softmax, BatchNormalization, Rescaling "
            + "and nested Sequential models";

    private KerasConfig() {
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    /** The model as {@code config.json}'s top-level object; the model must be built. */
    static Map<String, Object> write(Sequential model) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", model.name());
        config.put("trainable", model.isTrainable());
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
        config.put("trainable", layer.isTrainable());
        config.put("dtype", dtypePolicy());
        switch (layer) {
            case Dense dense -> {
                config.put("units", dense.units());
                config.put("activation", dense.activation().kerasName());
                config.put("use_bias", dense.useBias());
                config.put("kernel_initializer", writeInitializer(dense, dense.kernelInitializer()));
                config.put("bias_initializer", writeInitializer(dense, dense.biasInitializer()));
                config.put("kernel_regularizer", writeRegularizer(dense.kernelRegularizer()));
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
            case ActivationLayer activation -> {
                config.put("activation", activation.activation().kerasName());
                return object("keras.layers", "Activation", config, null);
            }
            case Rescaling rescaling -> {
                config.put("scale", rescaling.scale());
                config.put("offset", rescaling.offset());
                return object("keras.layers", "Rescaling", config, null);
            }
            case BatchNormalization bn -> {
                config.put("axis", -1L);
                config.put("momentum", bn.momentum());
                config.put("epsilon", bn.epsilon());
                config.put("center", true);
                config.put("scale", true);
                config.put("beta_initializer", writeInitializer(bn, Initializer.zeros()));
                config.put("gamma_initializer", writeInitializer(bn, Initializer.ones()));
                config.put("moving_mean_initializer", writeInitializer(bn, Initializer.zeros()));
                config.put("moving_variance_initializer", writeInitializer(bn, Initializer.ones()));
                for (String key : List.of("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")) {
                    config.put(key, null);
                }
                config.put("synchronized", false);
                return object("keras.layers", "BatchNormalization", config, buildConfig(layer));
            }
            default -> throw new IllegalArgumentException("layer " + layer.name() + " is a " + layer.getClass().getName()
                    + ", which a .keras file cannot describe (it holds " + SUPPORTED + "); save its weights instead, "
                    + "with saveWeights to a .weights.h5, .safetensors or .npz file");
        }
    }

    private static Object writeRegularizer(Regularizer r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> config = new LinkedHashMap<>();
        if (r.l1() != 0 || r.l2() == 0) {
            config.put("l1", r.l1());
        }
        if (r.l2() != 0) {
            config.put("l2", r.l2());
        }
        return object("keras.regularizers", r.kerasClass(), config, null);
    }

    private static Object writeInitializer(Layer layer, Initializer initializer) {
        return switch (initializer) {
            case Initializer.Builtin builtin -> {
                Map<String, Object> config = new LinkedHashMap<>();
                if (builtin != Initializer.Builtin.ZEROS && builtin != Initializer.Builtin.ONES) {
                    config.put("seed", null);
                    config.put("input_axes", null);
                    config.put("output_axes", null);
                }
                yield object("keras.initializers", builtin.kerasClass(), config, null);
            }
            case KerasInitializer loaded -> loaded.serialized();
            default -> throw new IllegalArgumentException("layer " + layer.name() + " has an initializer of its own ("
                    + initializer.getClass().getName() + "), which a .keras file cannot name; use one of Initializer's "
                    + "(glorotUniform(), heNormal(), zeros(), ...), or save the weights only, with saveWeights");
        };
    }

    private static Map<String, Object> writeCompile(Sequential model) {
        Map<String, Object> compile = new LinkedHashMap<>();
        compile.put("optimizer", writeOptimizer(model.optimizer()));
        compile.put("loss", writeLoss(model.loss()));
        compile.put("loss_weights", null);
        List<Object> metrics = new ArrayList<>();
        for (Metric m : model.metrics()) {
            metrics.add(m.name()); // as the names Keras takes in compile(metrics=[...])
        }
        compile.put("metrics", metrics.isEmpty() ? null : metrics);
        compile.put("weighted_metrics", null);
        compile.put("run_eagerly", false);
        compile.put("steps_per_execution", 1L);
        compile.put("jit_compile", false);
        return compile;
    }

    private static Map<String, Object> writeLoss(Loss loss) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", loss.name());
        config.put("reduction", "sum_over_batch_size");
        String className = switch (loss) {
            case SparseCategoricalCrossentropy l -> {
                config.put("from_logits", l.fromLogits());
                config.put("ignore_class", null);
                yield "SparseCategoricalCrossentropy";
            }
            case CategoricalCrossentropy l -> {
                config.put("from_logits", l.fromLogits());
                config.put("label_smoothing", l.labelSmoothing());
                config.put("axis", -1L);
                yield "CategoricalCrossentropy";
            }
            case BinaryCrossentropy l -> {
                config.put("from_logits", l.fromLogits());
                config.put("label_smoothing", l.labelSmoothing());
                config.put("axis", -1L);
                yield "BinaryCrossentropy";
            }
            case MeanSquaredError l -> "MeanSquaredError";
            case MeanAbsoluteError l -> "MeanAbsoluteError";
            case Huber l -> {
                config.put("delta", l.delta());
                yield "Huber";
            }
            default -> throw new IllegalArgumentException("the loss " + loss.getClass().getName() + " is not one a .keras file "
                    + "can name; save the weights only, with saveWeights");
        };
        return object("keras.losses", className, config, null);
    }

    private static Map<String, Object> writeOptimizer(Optimizer optimizer) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", optimizer.kerasName());
        config.put("learning_rate", optimizer.schedule() != null ? writeSchedule(optimizer.schedule())
                : (Object) (double) optimizer.learningRate());
        config.put("weight_decay", optimizer.weightDecay() > 0 ? (Object) optimizer.weightDecay() : null);
        config.put("clipnorm", optimizer.clipnorm() > 0 ? (Object) optimizer.clipnorm() : null);
        config.put("global_clipnorm", optimizer.globalClipnorm() > 0 ? (Object) optimizer.globalClipnorm() : null);
        config.put("clipvalue", optimizer.clipvalue() > 0 ? (Object) optimizer.clipvalue() : null);
        config.put("use_ema", false);
        config.put("ema_momentum", 0.99);
        config.put("ema_overwrite_frequency", null);
        config.put("loss_scale_factor", null);
        config.put("gradient_accumulation_steps", null);
        String className = switch (optimizer) {
            case Adam adam -> {
                config.put("beta_1", adam.beta1());
                config.put("beta_2", adam.beta2());
                config.put("epsilon", adam.epsilon());
                config.put("amsgrad", adam.amsgrad());
                yield adam instanceof AdamW ? "AdamW" : "Adam";
            }
            case SGD sgd -> {
                config.put("momentum", sgd.momentum());
                config.put("nesterov", sgd.nesterov());
                yield "SGD";
            }
            case RMSprop rms -> {
                config.put("rho", rms.rho());
                config.put("momentum", rms.momentum());
                config.put("epsilon", rms.epsilon());
                config.put("centered", rms.centered());
                yield "RMSprop";
            }
            case Adagrad adagrad -> {
                config.put("initial_accumulator_value", adagrad.initialAccumulatorValue());
                config.put("epsilon", adagrad.epsilon());
                yield "Adagrad";
            }
        };
        return object("keras.optimizers", className, config, null);
    }

    private static Map<String, Object> writeSchedule(LearningRateSchedule schedule) {
        Map<String, Object> config = new LinkedHashMap<>();
        String className = switch (schedule) {
            case ExponentialDecay e -> {
                config.put("initial_learning_rate", e.initialLearningRate());
                config.put("decay_steps", e.decaySteps());
                config.put("decay_rate", e.decayRate());
                config.put("staircase", e.staircase());
                config.put("name", "ExponentialDecay");
                yield "ExponentialDecay";
            }
            case CosineDecay c -> {
                config.put("initial_learning_rate", c.initialLearningRate());
                config.put("decay_steps", c.decaySteps());
                config.put("alpha", c.alpha());
                config.put("name", "CosineDecay");
                config.put("warmup_target", c.warmupTarget());
                config.put("warmup_steps", c.warmupSteps());
                yield "CosineDecay";
            }
            case PiecewiseConstantDecay p -> {
                List<Object> boundaries = new ArrayList<>();
                for (long b : p.boundaries()) {
                    boundaries.add(b);
                }
                List<Object> values = new ArrayList<>();
                for (double v : p.values()) {
                    values.add(v);
                }
                config.put("boundaries", boundaries);
                config.put("values", values);
                config.put("name", "PiecewiseConstant");
                yield "PiecewiseConstantDecay";
            }
        };
        return object("keras.optimizers.schedules", className, config, null);
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
        if (!trainable(where)) {
            sequential.setTrainable(false); // as Keras's setter: every layer inside it too
        }
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
        if (layer instanceof BatchNormalization) {
            if (input.rank() != 1) {
                throw where.error("BatchNormalization receives samples of shape " + input.toBatchString()
                        + "; jeras normalizes flat samples (a Flatten first)");
            }
            return 4L * input.dim(0); // gamma, beta, moving mean, moving variance
        }
        return 0; // Flatten, Dropout, Softmax, Activation and Rescaling have no weights
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
            case "Activation" -> new ActivationLayer(readActivation(c));
            case "Rescaling" -> {
                if (!(c.get("scale") instanceof Number) || c.has("offset") && !(c.get("offset") instanceof Number)) {
                    throw c.error("scale and offset must be numbers; per-channel lists are not supported");
                }
                yield new Rescaling(c.number("scale"), c.has("offset") ? c.number("offset") : 0);
            }
            case "BatchNormalization" -> {
                Object axis = c.has("axis") ? c.get("axis") : -1L;
                if (!(axis instanceof Long a && (a == -1 || a == 1)) && !(axis instanceof List<?> l && l.size() == 1
                        && l.getFirst() instanceof Long a1 && (a1 == -1 || a1 == 1))) {
                    throw c.error("normalizing over axis " + compact(axis) + " is not supported; jeras normalizes the features "
                            + "of flat samples (axis -1)");
                }
                for (String key : List.of("center", "scale")) {
                    if (c.has(key) && !c.bool(key)) {
                        throw c.error("'" + key + "' is false, which jeras does not support; its BatchNormalization has gamma and beta");
                    }
                }
                for (String key : List.of("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")) {
                    if (c.has(key) && !c.isNull(key)) {
                        throw c.error("'" + key + "' is set (" + compact(c.get(key)) + "), which jeras does not support");
                    }
                }
                if (c.has("synchronized") && c.bool("synchronized")) {
                    throw c.error("synchronized batch normalization is not supported");
                }
                yield new BatchNormalization(numberOr(c, "momentum", 0.99), numberOr(c, "epsilon", 1e-3));
            }
            default -> throw layer.error("layer '" + name + "' is a " + className + ", which jeras does not have; it loads "
                    + SUPPORTED);
        };
        created.named(name);
        if (!trainable(c)) {
            created.setTrainable(false);
        }
        return created;
    }

    private static Dense readDense(Node c) {
        long units = c.integer("units");
        if (units < 1 || units > Integer.MAX_VALUE) {
            throw c.error("'units' must be a positive integer, found " + units);
        }
        Activation activation = c.has("activation") && !c.isNull("activation") ? readActivation(c) : Activation.LINEAR;
        for (String key : List.of("bias_regularizer", "activity_regularizer", "kernel_constraint",
                "bias_constraint", "quantization_config", "lora_rank")) {
            if (c.has(key) && !c.isNull(key)) {
                throw c.error("'" + key + "' is set (" + compact(c.get(key)) + "), which jeras does not support");
            }
        }
        boolean useBias = !c.has("use_bias") || c.bool("use_bias");
        Dense dense = new Dense((int) units, activation, useBias);
        if (c.has("kernel_regularizer") && !c.isNull("kernel_regularizer")) {
            dense.kernelRegularizer(readRegularizer(c.object("kernel_regularizer").named("kernel_regularizer")));
        }
        if (c.has("kernel_initializer")) {
            dense.kernelInitializer(readInitializer(c, "kernel_initializer"));
        }
        if (c.has("bias_initializer")) {
            dense.biasInitializer(readInitializer(c, "bias_initializer"));
        }
        return dense;
    }

    private static Activation readActivation(Node c) {
        Object a = c.get("activation");
        String name = a instanceof Map<?, ?> m && m.get("config") instanceof String s ? s : a instanceof String s ? s : String.valueOf(a);
        try {
            return Activation.byName(name);
        } catch (IllegalArgumentException e) {
            throw c.error(e.getMessage());
        }
    }

    private static Regularizer readRegularizer(Node r) {
        String className = r.string("class_name");
        Node config = r.object("config").named(className);
        return switch (className) {
            case "L1" -> Regularizer.l1(config.number("l1"));
            case "L2" -> Regularizer.l2(config.number("l2"));
            case "L1L2" -> Regularizer.l1l2(numberOr(config, "l1", 0), numberOr(config, "l2", 0));
            default -> throw r.error("regularizer " + className + " is not supported; jeras has L1, L2 and L1L2");
        };
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
                String name = m instanceof String s ? s
                        : m instanceof Map<?, ?> map && map.get("config") instanceof Map<?, ?> cfg && cfg.get("name") instanceof String s ? s
                        : null;
                try {
                    if (name == null) {
                        throw new IllegalArgumentException("it is not a name or a metric object");
                    }
                    metrics.add(Metric.get(name));
                } catch (IllegalArgumentException e) {
                    throw c.error("metric " + compact(m) + " cannot be read: " + e.getMessage()
                            + " (load with compile=false to skip the compile settings)");
                }
            }
        }
        for (String key : List.of("loss_weights", "weighted_metrics")) {
            if (c.has(key) && !c.isNull(key) && !(c.get(key) instanceof List<?> l && l.isEmpty())) {
                throw c.error("'" + key + "' is set, which jeras does not support (load with compile=false to skip the compile settings)");
            }
        }
        return new Compile(optimizer, loss, metrics.toArray(Metric[]::new));
    }

    private static final String OPTIMIZERS = "Adam, AdamW, SGD, RMSprop and Adagrad";

    private static Optimizer readOptimizer(Node c) {
        Object value = c.get("optimizer");
        if (value instanceof String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "adam" -> new Adam();
                case "adamw" -> new AdamW();
                case "sgd" -> new SGD();
                case "rmsprop" -> new RMSprop();
                case "adagrad" -> new Adagrad();
                default -> throw c.error("optimizer '" + s + "' is not supported; jeras has " + OPTIMIZERS
                        + " (load with compile=false to skip the compile settings)");
            };
        }
        Node o = c.object("optimizer");
        String className = o.string("class_name");
        Node config = o.object("config").named("optimizer " + className);
        LearningRateSchedule schedule = null;
        double lr = 0.001;
        if (config.get("learning_rate") instanceof Map) {
            schedule = readSchedule(config.object("learning_rate"));
        } else {
            lr = config.number("learning_rate");
        }
        for (String key : List.of("loss_scale_factor", "gradient_accumulation_steps")) {
            if (config.has(key) && !config.isNull(key)) {
                throw config.error("'" + key + "' is set, which jeras does not support (load with compile=false to skip the compile settings)");
            }
        }
        if (config.has("use_ema") && config.bool("use_ema")) {
            throw config.error("use_ema is set, which jeras does not support (load with compile=false to skip the compile settings)");
        }
        Optimizer optimizer = switch (className) {
            case "Adam", "AdamW" -> {
                double b1 = numberOr(config, "beta_1", 0.9);
                double b2 = numberOr(config, "beta_2", 0.999);
                double eps = numberOr(config, "epsilon", 1e-7);
                boolean ams = config.has("amsgrad") && config.bool("amsgrad");
                if (className.equals("AdamW")) {
                    double wd = numberOr(config, "weight_decay", 0.004);
                    yield schedule != null ? new AdamW(schedule, wd, b1, b2, eps, ams) : new AdamW(lr, wd, b1, b2, eps, ams);
                }
                yield schedule != null ? new Adam(schedule, b1, b2, eps, ams) : new Adam(lr, b1, b2, eps, ams);
            }
            case "SGD" -> {
                double momentum = numberOr(config, "momentum", 0);
                boolean nesterov = config.has("nesterov") && config.bool("nesterov");
                yield schedule != null ? new SGD(schedule, momentum, nesterov) : new SGD(lr, momentum, nesterov);
            }
            case "RMSprop" -> {
                double rho = numberOr(config, "rho", 0.9);
                double momentum = numberOr(config, "momentum", 0);
                double eps = numberOr(config, "epsilon", 1e-7);
                boolean centered = config.has("centered") && config.bool("centered");
                yield schedule != null ? new RMSprop(schedule, rho, momentum, eps, centered) : new RMSprop(lr, rho, momentum, eps, centered);
            }
            case "Adagrad" -> {
                double initial = numberOr(config, "initial_accumulator_value", 0.1);
                double eps = numberOr(config, "epsilon", 1e-7);
                yield schedule != null ? new Adagrad(schedule, initial, eps) : new Adagrad(lr, initial, eps);
            }
            default -> throw o.error("optimizer " + className + " is not supported; jeras has " + OPTIMIZERS
                    + " (load with compile=false to skip the compile settings)");
        };
        if (!className.equals("AdamW") && config.has("weight_decay") && !config.isNull("weight_decay")) {
            optimizer.weightDecay(config.number("weight_decay"));
        }
        if (config.has("clipnorm") && !config.isNull("clipnorm")) {
            optimizer.clipnorm(config.number("clipnorm"));
        }
        if (config.has("global_clipnorm") && !config.isNull("global_clipnorm")) {
            optimizer.globalClipnorm(config.number("global_clipnorm"));
        }
        if (config.has("clipvalue") && !config.isNull("clipvalue")) {
            optimizer.clipvalue(config.number("clipvalue"));
        }
        return optimizer;
    }

    private static LearningRateSchedule readSchedule(Node s) {
        checkRegistered(s);
        String className = s.string("class_name");
        Node c = s.object("config").named("learning-rate schedule " + className);
        return switch (className) {
            case "ExponentialDecay" -> new ExponentialDecay(c.number("initial_learning_rate"), c.integer("decay_steps"),
                    c.number("decay_rate"), c.has("staircase") && c.bool("staircase"));
            case "CosineDecay" -> {
                Double target = c.has("warmup_target") && !c.isNull("warmup_target") ? c.number("warmup_target") : null;
                long warmupSteps = c.has("warmup_steps") && !c.isNull("warmup_steps") ? c.integer("warmup_steps") : 0;
                try {
                    yield new CosineDecay(c.number("initial_learning_rate"), c.integer("decay_steps"), numberOr(c, "alpha", 0),
                            target, warmupSteps);
                } catch (IllegalArgumentException e) {
                    throw c.error(e.getMessage());
                }
            }
            case "PiecewiseConstantDecay" -> {
                List<Object> b = c.list("boundaries");
                List<Object> v = c.list("values");
                long[] boundaries = new long[b.size()];
                double[] values = new double[v.size()];
                for (int i = 0; i < b.size(); i++) {
                    if (!(b.get(i) instanceof Long l)) {
                        throw c.error("boundaries must be integers (steps), found " + compact(b));
                    }
                    boundaries[i] = l;
                }
                for (int i = 0; i < v.size(); i++) {
                    if (!(v.get(i) instanceof Number n)) {
                        throw c.error("values must be numbers, found " + compact(v));
                    }
                    values[i] = n.doubleValue();
                }
                yield new PiecewiseConstantDecay(boundaries, values);
            }
            default -> throw s.error("learning-rate schedule " + className + " is not supported; jeras has ExponentialDecay, "
                    + "CosineDecay and PiecewiseConstantDecay");
        };
    }

    private static double numberOr(Node config, String key, double fallback) {
        return config.has(key) && !config.isNull(key) ? config.number(key) : fallback;
    }

    private static final String LOSSES = "SparseCategoricalCrossentropy, CategoricalCrossentropy, BinaryCrossentropy, "
            + "MeanSquaredError, MeanAbsoluteError and Huber";

    private static Loss readLoss(Node c) {
        Object value = c.get("loss");
        if (value instanceof String s) {
            return switch (s) {
                case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy(false);
                case "categorical_crossentropy" -> new CategoricalCrossentropy(false);
                case "binary_crossentropy" -> new BinaryCrossentropy(false);
                case "mse", "mean_squared_error" -> new MeanSquaredError();
                case "mae", "mean_absolute_error" -> new MeanAbsoluteError();
                case "huber", "huber_loss" -> new Huber();
                default -> throw c.error("loss '" + s + "' is not supported; jeras has " + LOSSES
                        + " (load with compile=false to skip the compile settings)");
            };
        }
        Node loss = c.object("loss");
        String className = loss.string("class_name");
        Node config = loss.object("config").named("loss " + className);
        if (config.has("reduction") && !config.isNull("reduction") && !config.string("reduction").equals("sum_over_batch_size")) {
            throw config.error("reduction '" + config.string("reduction") + "' is not supported; jeras averages over the batch "
                    + "(sum_over_batch_size)");
        }
        if (config.has("axis") && !(config.get("axis") instanceof Long axis && axis == -1)) {
            throw config.error("a loss over axis " + compact(config.get("axis")) + " is not supported; jeras takes the last axis (-1)");
        }
        boolean logits = config.has("from_logits") && config.bool("from_logits");
        double smoothing = numberOr(config, "label_smoothing", 0);
        return switch (className) {
            case "SparseCategoricalCrossentropy" -> {
                if (config.has("ignore_class") && !config.isNull("ignore_class")) {
                    throw config.error("ignore_class is set, which jeras does not support");
                }
                yield new SparseCategoricalCrossentropy(logits);
            }
            case "CategoricalCrossentropy" -> new CategoricalCrossentropy(logits, smoothing);
            case "BinaryCrossentropy" -> new BinaryCrossentropy(logits, smoothing);
            case "MeanSquaredError" -> new MeanSquaredError();
            case "MeanAbsoluteError" -> new MeanAbsoluteError();
            case "Huber" -> new Huber(numberOr(config, "delta", 1.0));
            default -> throw loss.error("loss " + className + " is not supported; jeras has " + LOSSES
                    + " (load with compile=false to skip the compile settings)");
        };
    }

    /** The dtype every layer config has: float32 only. ({@code trainable} is read by {@link #trainable}.) */
    private static void checkCommon(Node c) {
        if (c.has("dtype") && !c.isNull("dtype")) {
            checkDtype(c, c.get("dtype"));
        }
    }

    /** Whether the layer or model of config {@code c} trains ({@code trainable}, true when absent; not a boolean is an error). */
    private static boolean trainable(Node c) {
        return !c.has("trainable") || c.bool("trainable");
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
