package dev.jeras.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jeras.Tensor;
import dev.jeras.activations.Activation;
import dev.jeras.datasets.Mnist;
import dev.jeras.layers.Dense;
import dev.jeras.layers.Dropout;
import dev.jeras.layers.Flatten;
import dev.jeras.losses.SparseCategoricalCrossentropy;
import dev.jeras.models.FitOptions;
import dev.jeras.models.Sequential;
import dev.jeras.optimizers.Adam;
import dev.jeras.testing.TestMnist;

/**
 * The quickstart model trained on MNIST by 2 Spark workers for 5 epochs reaches 97% test accuracy;
 * the same model trained on one machine in the same run is printed beside it, with the parts of a
 * round. Data as in core's end-to-end tests (JERAS_DATA; CI fails without it).
 */
class SparkMnistTest {

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("jeras-spark-mnist").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Sequential quickstart() {
        Sequential model = new Sequential(new Flatten(28, 28), new Dense(128, Activation.RELU), new Dropout(0.2), new Dense(10))
                .seed(1).output(SparkTrainerTest.QUIET);
        model.compile(new Adam(), new SparseCategoricalCrossentropy(true), "accuracy");
        return model;
    }

    @Test
    void twoWorkersReach97PercentInFiveEpochs() {
        Mnist.Data mnist = TestMnist.load();
        Tensor xTrain = mnist.xTrain().div(255f);
        Tensor xTest = mnist.xTest().div(255f);
        // The samples are read where they are used, as from a cluster's storage: parallelizing 188 MB from the
        // driver would put the data into every task's lineage.
        JavaRDD<Sample> samples = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(0, 1), 2)
                .flatMap(half -> halfOfTrainingSet(half).iterator());
        Sequential distributed = quickstart();
        SparkTrainer trainer = new SparkTrainer(distributed);
        long start = System.nanoTime();
        trainer.fit(samples,
                SparkFitOptions.epochs(5).workers(2).batchSizePerWorker(32).localSteps(50).seed(1).verbose(0));
        double sparkSeconds = (System.nanoTime() - start) / 1e9;
        double sparkAccuracy = distributed.evaluate(xTest, mnist.yTest(), 0).accuracy();

        Sequential single = quickstart();
        start = System.nanoTime();
        single.fit(xTrain, mnist.yTrain(), FitOptions.epochs(5).verbose(0).seed(1));
        double singleSeconds = (System.nanoTime() - start) / 1e9;
        double singleAccuracy = single.evaluate(xTest, mnist.yTest(), 0).accuracy();

        List<SparkTrainer.RoundTimes> rounds = trainer.rounds();
        double broadcast = 0;
        double compute = 0;
        double load = 0;
        double aggregate = 0;
        double total = 0;
        for (SparkTrainer.RoundTimes r : rounds.subList(1, rounds.size())) { // the first round carries the data's caching
            broadcast += r.broadcastSeconds();
            compute += r.computeSeconds();
            load += r.loadSeconds();
            aggregate += r.aggregateSeconds();
            total += r.totalSeconds();
        }
        int n = rounds.size() - 1;
        System.out.printf(Locale.ROOT, "spark local[2], 2 workers x 50 steps x 32: %d rounds, test accuracy %.4f in %.1f s; "
                        + "one machine, batch 32: %.4f in %.1f s; a round (mean of rounds 2..): broadcast %.1f ms, compute %.1f ms "
                        + "(loading the model %.1f ms), aggregate %.1f ms, total %.1f ms; %d bytes broadcast, %d bytes back per worker%n",
                rounds.size(), sparkAccuracy, sparkSeconds, singleAccuracy, singleSeconds, 1e3 * broadcast / n, 1e3 * compute / n, 1e3 * load / n,
                1e3 * aggregate / n, 1e3 * total / n, rounds.getLast().broadcastBytes(), rounds.getLast().resultBytesPerWorker());

        assertThat(sparkAccuracy).as("test accuracy after 5 epochs on 2 workers").isGreaterThanOrEqualTo(0.97);
        assertThat(singleAccuracy).isGreaterThanOrEqualTo(0.97);
    }

    /** Samples {@code half * 30000} to {@code (half + 1) * 30000} of MNIST's training set, pixels scaled to [0, 1]. */
    static List<Sample> halfOfTrainingSet(int half) {
        Mnist.Data mnist = Mnist.loadData();
        float[] pixels = mnist.xTrain().rows(half * 30_000, (half + 1) * 30_000).div(255f).toArray();
        int[] labels = mnist.yTrain().rows(half * 30_000, (half + 1) * 30_000).toIntArray();
        List<Sample> samples = new ArrayList<>(labels.length);
        for (int i = 0; i < labels.length; i++) {
            samples.add(new Sample(java.util.Arrays.copyOfRange(pixels, i * 784, (i + 1) * 784), labels[i]));
        }
        return samples;
    }
}
