package dev.jeras.spark;

import java.util.UUID;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.jeras.models.Sequential;

/**
 * A jeras model to train as a Spark ML {@link Estimator}, so that it fits in a {@code Pipeline}:
 * {@code fit} trains a copy of the compiled model it was given with {@link SparkTrainer} (the
 * options it was given, the columns set here) and returns a {@link JerasModel}.
 */
public final class JerasEstimator extends Estimator<JerasModel> {

    private final String uid;
    private final byte[] template;
    private final SparkFitOptions options;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;

    /** Trains copies of {@code model} (compiled, with an input shape) with {@code options}. */
    public JerasEstimator(Sequential model, SparkFitOptions options) {
        this("jeras_estimator_" + UUID.randomUUID().toString().substring(0, 12), bytesOf(model), options);
    }

    private JerasEstimator(String uid, byte[] template, SparkFitOptions options) {
        this.uid = uid;
        this.template = template;
        this.options = options;
        this.featuresCol = new Param<>(this, "featuresCol", "features column: array<float>, array<double> or an ML vector");
        this.labelCol = new Param<>(this, "labelCol", "label column: integer class indices");
        setDefault(featuresCol, options.featuresCol());
        setDefault(labelCol, options.labelCol());
    }

    private static byte[] bytesOf(Sequential model) {
        new SparkTrainer(model); // checks it is compiled and built
        return ModelBytes.of(model);
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public JerasEstimator setFeaturesCol(String column) {
        set(featuresCol, column);
        return this;
    }

    public JerasEstimator setLabelCol(String column) {
        set(labelCol, column);
        return this;
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public JerasModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Sequential model = ModelBytes.load(template, uid);
        SparkTrainer trainer = new SparkTrainer(model);
        trainer.fit(dataset.toDF(), options.columns(getOrDefault(featuresCol), getOrDefault(labelCol)));
        JerasModel fitted = JerasModel.of(trainer.model()).setFeaturesCol(getOrDefault(featuresCol));
        return fitted.setParent(this);
    }

    @Override
    public JerasEstimator copy(ParamMap extra) {
        JerasEstimator copy = new JerasEstimator(uid, template, options);
        return copyValues(copy, extra);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Shards.featuresKind(schema, getOrDefault(featuresCol));
        Shards.checkLabel(schema, getOrDefault(labelCol));
        return schema.add("rawPrediction", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false)
                .add("probability", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false)
                .add("prediction", DataTypes.DoubleType, false);
    }
}
