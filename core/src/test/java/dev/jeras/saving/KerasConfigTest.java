package dev.jeras.saving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jeras.Shape;
import dev.jeras.activations.Activation;
import dev.jeras.internal.Json;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Softmax;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.metrics.Metric;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;

/** config.json as the Keras versions from 3.0 wrote it: their keys are read, unknown ones ignored. */
class KerasConfigTest {

    /** Keras 3.0 to 3.3: dtypes as strings, FloatDTypePolicy objects, an initializer without the newer keys, a future key. */
    private static final String OLDER = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "trainable": true, "dtype": "float32",
             "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_input_shape": [null, 4, 3], "dtype": "float32",
               "sparse": false, "name": "input_1"}, "registered_name": null},
              {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "flat", "trainable": true, "dtype": "float32",
               "data_format": "channels_last"}, "registered_name": null, "build_config": {"input_shape": [null, 4, 3]}},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "hidden", "trainable": true,
               "dtype": {"module": "keras.dtype_policies", "class_name": "FloatDTypePolicy", "config": {"name": "float32"}, "registered_name": null},
               "units": 5, "activation": "relu", "use_bias": false,
               "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal", "config": {"seed": 7}, "registered_name": null},
               "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
               "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
               "bias_constraint": null, "lora_rank": null, "a_key_from_the_future": [1, 2]},
               "registered_name": null, "build_config": {"input_shape": [null, 12]}},
              {"module": "keras.layers", "class_name": "Dropout", "config": {"name": "drop", "trainable": true, "dtype": "float32",
               "rate": 0.5, "seed": 3, "noise_shape": null}, "registered_name": null},
              {"module": "keras", "class_name": "Sequential", "config": {"name": "head", "trainable": true, "dtype": "float32",
               "layers": [{"module": "keras.layers", "class_name": "Dense", "config": {"name": "logits", "units": 2}, "registered_name": null,
                 "build_config": {"input_shape": [null, 5]}},
                {"module": "keras.layers", "class_name": "Softmax", "config": {"name": "softmax", "axis": -1}, "registered_name": null}]},
               "registered_name": null, "build_config": {"input_shape": [null, 5]}, "compile_config": {}}
             ]}, "registered_name": null, "build_config": {"input_shape": [null, 4, 3]},
             "compile_config": {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["acc"],
              "loss_weights": null, "weighted_metrics": [], "run_eagerly": false}}
            """;

    @Test
    void readsOlderKerasConfigs() {
        KerasConfig.Read read = KerasConfig.read(Json.parse(OLDER, "older"), "older.keras", true);
        Sequential model = read.model();
        assertThat(model.name()).isEqualTo("seq");
        assertThat(read.inputShape()).isEqualTo(Shape.of(4, 3));
        assertThat(read.outputShape()).isEqualTo(Shape.of(2));
        assertThat(read.weightValues()).isEqualTo(12 * 5 + 5 * 2 + 2);
        assertThat(model.layers()).extracting(Layer::name).containsExactly("flat", "hidden", "drop", "head");
        Dense hidden = (Dense) model.layers().get(1);
        assertThat(hidden.units()).isEqualTo(5);
        assertThat(hidden.activation()).isEqualTo(Activation.RELU);
        assertThat(hidden.useBias()).isFalse();
        assertThat(hidden.kernelInitializer()).isInstanceOf(KerasInitializer.class);
        assertThat(((Dropout) model.layers().get(2)).rate()).isEqualTo(0.5);
        assertThat(((Sequential) model.layers().get(3)).layers()).extracting(Layer::name).containsExactly("logits", "softmax");
        assertThat(read.compile().optimizer()).isInstanceOf(Adam.class);
        assertThat(((SparseCategoricalCrossentropy) read.compile().loss()).fromLogits()).isFalse();
        assertThat(read.compile().metrics()).as("Keras names a metric as given").extracting(Metric::name).containsExactly("acc");

        // Built and written again, the initializer jeras cannot run is written back as it came.
        model.build(read.inputShape(), dev.jeras.kernels.Kernels.active(), new java.util.SplittableRandom(1));
        Map<?, ?> written = KerasConfig.write(model);
        String json = Json.write(written);
        assertThat(json).contains("{\"module\": \"keras.initializers\", \"class_name\": \"HeNormal\", \"config\": {\"seed\": 7}, "
                + "\"registered_name\": null}");
        assertThat(json).contains("\"batch_shape\": [null, 4, 3]");
    }

    @Test
    void aModelWithoutInputLayerTakesItsShapeFromBuildConfig() {
        String config = OLDER.replaceFirst("\\{\"module\": \"keras.layers\", \"class_name\": \"InputLayer\".*?\"registered_name\": null},", "");
        KerasConfig.Read read = KerasConfig.read(Json.parse(config, "c"), "c.keras", false);
        assertThat(read.inputShape()).isEqualTo(Shape.of(4, 3));
        assertThat(read.compile()).isNull();
    }

    @Test
    void aFrozenLayerOrModelIsReadFrozen() {
        String frozenLayer = OLDER.replace("\"name\": \"hidden\", \"trainable\": true", "\"name\": \"hidden\", \"trainable\": false");
        Sequential model = KerasConfig.read(Json.parse(frozenLayer, "c"), "c.keras", false).model();
        assertThat(model.layers()).filteredOn(l -> l.name().equals("hidden")).singleElement()
                .satisfies(l -> assertThat(l.isTrainable()).isFalse());
        assertThat(model.layers()).filteredOn(l -> !l.name().equals("hidden")).allSatisfy(l -> assertThat(l.isTrainable()).isTrue());

        String frozenModel = OLDER.replace("\"name\": \"seq\", \"trainable\": true", "\"name\": \"seq\", \"trainable\": false");
        Sequential all = KerasConfig.read(Json.parse(frozenModel, "c"), "c.keras", false).model();
        assertThat(all.isTrainable()).isFalse();
        assertThat(all.family()).allSatisfy(l -> assertThat(l.isTrainable()).isFalse());

        String notBoolean = OLDER.replace("\"name\": \"hidden\", \"trainable\": true", "\"name\": \"hidden\", \"trainable\": 0");
        assertThatThrownBy(() -> KerasConfig.read(Json.parse(notBoolean, "c"), "c.keras", false))
                .hasMessageContaining("trainable");
    }

    @Test
    void shapesThatDoNotChainAreRefused() {
        String nested = OLDER.replace("\"units\": 5", "\"units\": 6");
        assertThatThrownBy(() -> KerasConfig.read(Json.parse(nested, "c"), "c.keras", false))
                .hasMessageContaining("the nested model expects samples of shape (None, 5) but receives (None, 6)");
        String half = OLDER.replace("\"name\": \"seq\", \"trainable\": true, \"dtype\": \"float32\"",
                "\"name\": \"seq\", \"trainable\": true, \"dtype\": \"float16\"");
        assertThatThrownBy(() -> KerasConfig.read(Json.parse(half, "c"), "c.keras", false))
                .hasMessageContaining("its dtype is \"float16\"; jeras computes in float32 only");
    }
}
