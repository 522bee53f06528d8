package dev.jeras.spark;

import java.util.List;

import dev.jeras.Tensor;
import dev.jeras.UInt8Tensor;
import dev.jeras.callbacks.Callback;

/**
 * How {@link SparkTrainer} trains: {@code workers} partitions (0: as the data comes), each
 * training {@code localSteps} steps of {@code batchSizePerWorker} samples per round on its own
 * shuffled shard, for {@code epochs} passes over the data, from {@code seed}. Validation data and
 * callbacks run on the driver after each epoch. Immutable; each method returns a copy.
 */
public record SparkFitOptions(int workers, int batchSizePerWorker, int localSteps, int epochs, long seed, int verbose,
                              String featuresCol, String labelCol, Tensor validationX, UInt8Tensor validationY,
                              List<Callback> callbacks) {

    /** Checks every option. */
    public SparkFitOptions {
        if (workers < 0 || batchSizePerWorker < 1 || localSteps < 1 || epochs < 0 || verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("workers must be >= 0 (0: the data's partitions), batchSizePerWorker and localSteps "
                    + ">= 1, epochs >= 0 and verbose 0, 1 or 2; received workers=" + workers + ", batchSizePerWorker="
                    + batchSizePerWorker + ", localSteps=" + localSteps + ", epochs=" + epochs + ", verbose=" + verbose);
        }
        callbacks = List.copyOf(callbacks);
    }

    /** {@code epochs} epochs; 2 workers, batch 32, 50 local steps per round, seed 0, columns {@code features} and {@code label}. */
    public static SparkFitOptions epochs(int epochs) {
        return new SparkFitOptions(2, 32, 50, epochs, 0, 1, "features", "label", null, null, List.of());
    }

    public SparkFitOptions workers(int workers) {
        return new SparkFitOptions(workers, batchSizePerWorker, localSteps, epochs, seed, verbose, featuresCol, labelCol,
                validationX, validationY, callbacks);
    }

    public SparkFitOptions batchSizePerWorker(int batchSize) {
        return new SparkFitOptions(workers, batchSize, localSteps, epochs, seed, verbose, featuresCol, labelCol,
                validationX, validationY, callbacks);
    }

    public SparkFitOptions localSteps(int localSteps) {
        return new SparkFitOptions(workers, batchSizePerWorker, localSteps, epochs, seed, verbose, featuresCol, labelCol,
                validationX, validationY, callbacks);
    }

    public SparkFitOptions seed(long seed) {
        return new SparkFitOptions(workers, batchSizePerWorker, localSteps, epochs, seed, verbose, featuresCol, labelCol,
                validationX, validationY, callbacks);
    }

    public SparkFitOptions verbose(int verbose) {
        return new SparkFitOptions(workers, batchSizePerWorker, localSteps, epochs, seed, verbose, featuresCol, labelCol,
                validationX, validationY, callbacks);
    }

    /** The columns of a {@code Dataset<Row>}: features ({@code array<float>}, {@code array<double>} or an ML vector) and an integer label. */
    public SparkFitOptions columns(String featuresCol, String labelCol) {
        return new SparkFitOptions(workers, batchSizePerWorker, localSteps, epochs, seed, verbose, featuresCol, labelCol,
                validationX, validationY, callbacks);
    }

    /** Evaluates on these samples on the driver after each epoch ({@code val_loss}, {@code val_accuracy}, ...). */
    public SparkFitOptions validationData(Tensor x, UInt8Tensor y) {
        return new SparkFitOptions(workers, batchSizePerWorker, localSteps, epochs, seed, verbose, featuresCol, labelCol, x, y,
                callbacks);
    }

    /** Callbacks run on the driver: epoch hooks after each epoch's rounds, batch hooks after each round. */
    public SparkFitOptions callbacks(Callback... callbacks) {
        return new SparkFitOptions(workers, batchSizePerWorker, localSteps, epochs, seed, verbose, featuresCol, labelCol,
                validationX, validationY, List.of(callbacks));
    }
}
