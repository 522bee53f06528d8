package dev.jeras.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.jeras.activations.Activation;
import dev.jeras.datasets.Mnist;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;
import dev.jeras.spark.JerasModel;
import dev.jeras.spark.SparkFitOptions;
import dev.jeras.spark.SparkTrainer;

/**
 * The quickstart on Spark: MNIST as a DataFrame, the quickstart model trained by data-parallel workers, saved as
 * {@code .keras}, and the test set scored by the {@link JerasModel} transformer. The master is
 * {@code local[2]} unless Spark is told otherwise ({@code spark-submit --master ...}).
 *
 * <p>Options: {@code --epochs N} (5), {@code --workers N} (2), {@code --local-steps N} (50),
 * {@code --batch-size N} (32 per worker), {@code --save FILE} ({@code spark-mnist.keras}).
 */
public final class SparkMnist {

    private SparkMnist() {
    }

    public static void main(String[] args) throws IOException {
        // This jar carries slf4j-nop for jhdf and Spark brings log4j's SLF4J provider: name the one to use, which
        // also spares SLF4J's warning about two. (A program's choice, made before anything logs; never a library's.)
        System.setProperty("slf4j.provider", "org.slf4j.nop.NOPServiceProvider");
        int epochs = 5;
        int workers = 2;
        int localSteps = 50;
        int batch = 32;
        Path save = Path.of("spark-mnist.keras");
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(value);
                case "--workers" -> workers = Integer.parseInt(value);
                case "--local-steps" -> localSteps = Integer.parseInt(value);
                case "--batch-size" -> batch = Integer.parseInt(value);
                case "--save" -> save = Path.of(value);
                default -> {
                    System.err.println("usage: SparkMnist [--epochs N] [--workers N] [--local-steps N] [--batch-size N] [--save FILE.keras]");
                    System.exit(2);
                }
            }
        }
        SparkSession.Builder builder = SparkSession.builder().appName("jeras-spark-mnist");
        if (System.getProperty("spark.master") == null) {
            builder.master("local[2]").config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false");
        }
        SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            System.out.println("1. MNIST as DataFrames (features array<float>, label int)");
            Dataset<Row> train = table(spark, true);
            Dataset<Row> test = table(spark, false);
            System.out.printf("train: %d rows, test: %d rows, schema %s%n", train.count(), test.count(), train.schema().simpleString());

            System.out.println("\n2. Train on " + workers + " workers: " + localSteps + " local steps of " + batch
                    + " samples per round, weights and Adam's state averaged after each round");
            Sequential model = new Sequential(new Flatten(28, 28), new Dense(128, Activation.RELU), new Dropout(0.2), new Dense(10))
                    .seed(1);
            model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
            SparkTrainer trainer = new SparkTrainer(model);
            long start = System.nanoTime();
            trainer.fit(train, SparkFitOptions.epochs(epochs).workers(workers).localSteps(localSteps).batchSizePerWorker(batch).seed(1));
            System.out.printf(Locale.ROOT, "fit: %d rounds in %.1f s%n", trainer.rounds().size(), (System.nanoTime() - start) / 1e9);
            List<SparkTrainer.RoundTimes> rounds = trainer.rounds();
            if (rounds.size() > 1) {
                double b = 0;
                double c = 0;
                double a = 0;
                for (SparkTrainer.RoundTimes r : rounds.subList(1, rounds.size())) {
                    b += r.broadcastSeconds();
                    c += r.computeSeconds();
                    a += r.aggregateSeconds();
                }
                int n = rounds.size() - 1;
                System.out.printf(Locale.ROOT, "a round: broadcast %.1f ms, local compute %.1f ms, aggregate %.1f ms (%d bytes out, "
                        + "%d bytes back per worker)%n", 1e3 * b / n, 1e3 * c / n, 1e3 * a / n, rounds.getLast().broadcastBytes(),
                        rounds.getLast().resultBytesPerWorker());
            }

            System.out.println("\n3. Save the model");
            model.save(save);
            System.out.println("saved " + save + " (" + Files.size(save) + " bytes)");

            System.out.println("\n4. Score the test set with the transformer");
            Dataset<Row> scored = JerasModel.load(save).transform(test);
            scored.select("label", "prediction", "probability").show(5, 60);
            long correct = scored.filter("prediction = label").count();
            System.out.printf(Locale.ROOT, "test accuracy %.4f%n", (double) correct / scored.count());
        } finally {
            spark.stop();
        }
    }

    /**
     * MNIST's training or test set as a DataFrame, made from slices of 5,000 rows (one partition each,
     * so no one task carries the whole set). On a cluster it would be read from a table instead
     * ({@code spark.read().parquet(...)}); writing one here would need Hadoop's file system, which on
     * JDK 25 also needs {@code -Djava.security.manager=allow}.
     */
    private static Dataset<Row> table(SparkSession spark, boolean training) {
        Mnist.Data mnist = Mnist.loadData();
        float[] pixels = (training ? mnist.xTrain() : mnist.xTest()).div(255f).toArray();
        int[] labels = (training ? mnist.yTrain() : mnist.yTest()).toIntArray();
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.IntegerType, false);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> all = null;
        for (int from = 0; from < labels.length; from += 5_000) {
            List<Row> rows = new ArrayList<>();
            for (int i = from; i < Math.min(labels.length, from + 5_000); i++) {
                rows.add(RowFactory.create(java.util.Arrays.copyOfRange(pixels, i * 784, (i + 1) * 784), labels[i]));
            }
            Dataset<Row> slice = spark.createDataFrame(jsc.parallelize(rows, 1), schema);
            all = all == null ? slice : all.union(slice);
        }
        return all;
    }
}
