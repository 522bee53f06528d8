package dev.jeras.spark;

import java.io.Serializable;

/** One training sample for {@link SparkTrainer#fit(org.apache.spark.api.java.JavaRDD, SparkFitOptions)}: its features, flat, and its class. */
public record Sample(float[] features, int label) implements Serializable {
}
