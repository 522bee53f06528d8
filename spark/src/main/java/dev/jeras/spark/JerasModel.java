package dev.jeras.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.jeras.Shape;
import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.layers.ActivationLayer;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Layer;
import dev.jeras.layers.Softmax;
import dev.jeras.models.Sequential;

/**
 * A trained jeras model as a Spark ML {@link Model} (a {@code Transformer}): {@code transform} adds
 * to each row the model's outputs ({@code rawPrediction}, exactly what {@code model.predict} gives),
 * the class probabilities ({@code probability}: the outputs themselves when the model ends in a
 * softmax, else their softmax) and the predicted class ({@code prediction}, a double as Spark ML's
 * classifiers give it). The model is broadcast once as {@code .keras} bytes; each partition loads it
 * and predicts its rows in batches.
 */
public final class JerasModel extends Model<JerasModel> {

    private static final int BATCH = 256;

    private final String uid;
    private final byte[] keras;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    JerasModel(String uid, byte[] keras) {
        this.uid = uid;
        this.keras = keras;
        this.featuresCol = new Param<>(this, "featuresCol", "features column: array<float>, array<double> or an ML vector");
        this.predictionCol = new Param<>(this, "predictionCol", "column for the predicted class");
        this.probabilityCol = new Param<>(this, "probabilityCol", "column for the class probabilities");
        this.rawPredictionCol = new Param<>(this, "rawPredictionCol", "column for the model's outputs");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    /** A transformer of {@code model} (built). */
    public static JerasModel of(Sequential model) {
        return new JerasModel("jeras_" + UUID.randomUUID().toString().substring(0, 12), ModelBytes.of(model));
    }

    /** A transformer of the model in a Keras 3 {@code .keras} file; a file that does not load is an error naming it. */
    public static JerasModel load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model file " + file + ": " + e.getMessage(), e);
        }
        try {
            ModelBytes.load(bytes, file.toString());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the model file " + file + " does not load: " + e.getMessage(), e);
        }
        return new JerasModel("jeras_" + UUID.randomUUID().toString().substring(0, 12), bytes);
    }

    /** The model, loaded from its bytes. */
    public Sequential model() {
        return ModelBytes.load(keras, uid);
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public JerasModel setFeaturesCol(String column) {
        set(featuresCol, column);
        return this;
    }

    public JerasModel setPredictionCol(String column) {
        set(predictionCol, column);
        return this;
    }

    public JerasModel setProbabilityCol(String column) {
        set(probabilityCol, column);
        return this;
    }

    public JerasModel setRawPredictionCol(String column) {
        set(rawPredictionCol, column);
        return this;
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public JerasModel copy(ParamMap extra) {
        JerasModel copy = new JerasModel(uid, keras);
        copyValues(copy, extra);
        return copy.setParent(parent());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Shards.featuresKind(schema, getOrDefault(featuresCol));
        for (String out : List.of(getOrDefault(rawPredictionCol), getOrDefault(probabilityCol), getOrDefault(predictionCol))) {
            if (List.of(schema.fieldNames()).contains(out)) {
                throw new IllegalArgumentException("the output column '" + out + "' already exists; choose another name");
            }
        }
        return schema.add(getOrDefault(rawPredictionCol), SQLDataTypes.VectorType(), false)
                .add(getOrDefault(probabilityCol), SQLDataTypes.VectorType(), false)
                .add(getOrDefault(predictionCol), DataTypes.DoubleType, false);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Dataset<Row> df = dataset.toDF();
        StructType schema = transformSchema(df.schema());
        String column = getOrDefault(featuresCol);
        Shards.Kind kind = Shards.featuresKind(df.schema(), column);
        int index = df.schema().fieldIndex(column);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
        Broadcast<byte[]> broadcast = jsc.broadcast(keras);
        String source = uid;
        JavaRDD<Row> rows = df.toJavaRDD().mapPartitionsWithIndex((partition, it) -> {
            Sequential model = ModelBytes.load(broadcast.value(), source);
            boolean probabilities = endsInProbabilities(model);
            Shape sample = model.inputShape();
            int features = sample.size();
            List<Row> out = new ArrayList<>();
            List<Row> batch = new ArrayList<>();
            while (it.hasNext()) {
                batch.add(it.next());
                if (batch.size() == BATCH || !it.hasNext()) {
                    float[] x = new float[batch.size() * features];
                    for (int r = 0; r < batch.size(); r++) {
                        float[] f = Shards.features(batch.get(r), index, kind, column, partition);
                        if (f.length != features) {
                            throw new IllegalArgumentException("the features column '" + column + "' has " + f.length
                                    + " values in a row of partition " + partition + "; the model takes " + features + " per sample");
                        }
                        System.arraycopy(f, 0, x, r * features, features);
                    }
                    int[] dims = new int[sample.rank() + 1];
                    dims[0] = batch.size();
                    System.arraycopy(sample.dims(), 0, dims, 1, sample.rank());
                    Tensor raw = model.predict(Tensor.of(x, dims));
                    Tensor probs = probabilities ? raw : new Softmax().apply(raw);
                    int[] classes = raw.argmax(-1).toArray();
                    int width = raw.rowSize();
                    for (int r = 0; r < batch.size(); r++) {
                        Row row = batch.get(r);
                        Object[] values = new Object[row.size() + 3];
                        for (int c = 0; c < row.size(); c++) {
                            values[c] = row.get(c);
                        }
                        values[row.size()] = Vectors.dense(doubles(raw.array(), raw.offset() + r * width, width));
                        values[row.size() + 1] = Vectors.dense(doubles(probs.array(), probs.offset() + r * width, width));
                        values[row.size() + 2] = (double) classes[r];
                        out.add(RowFactory.create(values));
                    }
                    batch.clear();
                }
            }
            return out.iterator();
        }, true);
        return df.sparkSession().createDataFrame(rows, schema);
    }

    private static double[] doubles(float[] values, int offset, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = values[offset + i];
        }
        return d;
    }

    /** Whether the model's outputs are already probabilities: it ends in a softmax (a layer or a Dense's activation). */
    static boolean endsInProbabilities(Sequential model) {
        Layer last = model.layers().getLast();
        while (last instanceof Sequential nested) {
            last = nested.layers().getLast();
        }
        return last instanceof Softmax || last instanceof ActivationLayer a && a.activation() == Activation.SOFTMAX
                || last instanceof Dense d && d.activation() == Activation.SOFTMAX;
    }
}
