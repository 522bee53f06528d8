package dev.jeras.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import scala.Tuple2;

/**
 * The training data as one block of samples per partition, checked and cached: each worker's shard.
 * Samples keep their place in the input (by {@code zipWithIndex}) and each block is sorted by it,
 * so a shard holds the same samples in the same order however Spark's shuffle delivered them, and a
 * task that is retried sees exactly what the first attempt saw.
 */
final class Shards {

    private Shards() {
    }

    /** Sends key k to partition k. */
    static final class ByKey extends org.apache.spark.Partitioner {

        private final int partitions;

        ByKey(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ByKey b && b.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return partitions;
        }
    }

    /** One partition's samples, row-major. */
    record Shard(int partition, int n, float[] x, int[] y) implements Serializable {
    }

    /** The kinds of features column jeras reads. */
    enum Kind {
        FLOAT_ARRAY, DOUBLE_ARRAY, VECTOR
    }

    /** The features column's kind, or a clear error naming the column and what it holds. */
    static Kind featuresKind(StructType schema, String column) {
        DataType t = field(schema, column, "features").dataType();
        if (t instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType)) {
            return Kind.FLOAT_ARRAY;
        }
        if (t instanceof ArrayType a && a.elementType().equals(DataTypes.DoubleType)) {
            return Kind.DOUBLE_ARRAY;
        }
        if (t instanceof VectorUDT) {
            return Kind.VECTOR;
        }
        throw new IllegalArgumentException("the features column '" + column + "' is " + t.simpleString()
                + "; jeras reads array<float>, array<double> or an ML vector (org.apache.spark.ml.linalg.Vector)");
    }

    /** Checks that the label column holds integers. */
    static void checkLabel(StructType schema, String column) {
        DataType t = field(schema, column, "label").dataType();
        if (!(t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType) || t.equals(DataTypes.ShortType)
                || t.equals(DataTypes.ByteType))) {
            throw new IllegalArgumentException("the label column '" + column + "' is " + t.simpleString()
                    + "; jeras trains on integer class indices (int, bigint, smallint or tinyint); cast it, for example "
                    + "df.withColumn(\"" + column + "\", col(\"" + column + "\").cast(\"int\"))");
        }
    }

    private static StructField field(StructType schema, String column, String role) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(column)) {
                return f;
            }
        }
        throw new IllegalArgumentException("there is no " + role + " column '" + column + "'; the data has columns "
                + java.util.Arrays.toString(schema.fieldNames()) + " (choose others with SparkFitOptions.columns or setFeaturesCol)");
    }

    /** A features value of one row as floats, or an error naming the column, the partition and the row. */
    static float[] features(Row row, int index, Kind kind, String column, int partition) {
        if (row.isNullAt(index)) {
            throw new IllegalArgumentException("the features column '" + column + "' is null in a row of partition " + partition);
        }
        return switch (kind) {
            case FLOAT_ARRAY -> {
                List<Object> values = row.getList(index);
                float[] f = new float[values.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (Float) values.get(i);
                }
                yield f;
            }
            case DOUBLE_ARRAY -> {
                List<Object> values = row.getList(index);
                float[] f = new float[values.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) (double) (Double) values.get(i);
                }
                yield f;
            }
            case VECTOR -> {
                Vector v = (Vector) row.get(index);
                float[] f = new float[v.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) v.apply(i);
                }
                yield f;
            }
        };
    }

    /** The rows of {@code data} as samples, its columns checked on the driver first. */
    static JavaRDD<Sample> samples(Dataset<Row> data, String featuresCol, String labelCol) {
        Kind kind = featuresKind(data.schema(), featuresCol);
        checkLabel(data.schema(), labelCol);
        return data.select(featuresCol, labelCol).toJavaRDD().mapPartitionsWithIndex((partition, rows) -> {
            List<Sample> out = new ArrayList<>();
            while (rows.hasNext()) {
                Row row = rows.next();
                if (row.isNullAt(1)) {
                    throw new IllegalArgumentException("the label column '" + labelCol + "' is null in a row of partition " + partition);
                }
                long label = ((Number) row.get(1)).longValue();
                if (label < 0 || label > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("the label column '" + labelCol + "' holds " + label + " in partition " + partition
                            + "; labels are class indices from 0");
                }
                out.add(new Sample(features(row, 0, kind, featuresCol, partition), (int) label));
            }
            return out.iterator();
        }, true);
    }

    /**
     * The samples in {@code workers} partitions (0: as they are), each made one checked block
     * sorted by the samples' places in the input, cached. Every sample must have
     * {@code featureCount} values and a label below {@code classes}; a partition may not be empty.
     *
     * <p>The samples always pass through one shuffle, sample i going to partition {@code i % workers}
     * (or staying in its partition): the shards' lineage then starts at the shuffle's files, so
     * a round's tasks do not carry the input (data parallelized from the driver would otherwise travel
     * with every task of every round), and a lost shard is rebuilt from those files.
     */
    static JavaRDD<Shard> of(JavaRDD<Sample> samples, int workers, int featureCount, int classes, String featuresWhat,
                             String labelWhat) {
        JavaPairRDD<Sample, Long> indexed = samples.zipWithIndex();
        int parts = workers > 0 ? workers : indexed.getNumPartitions();
        JavaPairRDD<Integer, Tuple2<Sample, Long>> keyed = JavaPairRDD.fromJavaRDD(indexed.mapPartitionsWithIndex((partition, it) -> {
            List<Tuple2<Integer, Tuple2<Sample, Long>>> out = new ArrayList<>();
            while (it.hasNext()) {
                Tuple2<Sample, Long> t = it.next();
                out.add(new Tuple2<>(workers > 0 ? (int) (t._2() % workers) : partition, t));
            }
            return out.iterator();
        }, true));
        JavaRDD<Tuple2<Sample, Long>> placed = keyed.partitionBy(new ByKey(parts)).values();
        return placed.mapPartitionsWithIndex((partition, it) -> {
            List<Tuple2<Sample, Long>> rows = new ArrayList<>();
            it.forEachRemaining(rows::add);
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("partition " + partition + " holds no samples; every worker needs data: use fewer "
                        + "workers than samples, or repartition the data (SparkFitOptions.workers)");
            }
            rows.sort(Comparator.comparingLong(Tuple2::_2));
            float[] x = new float[Math.multiplyExact(rows.size(), featureCount)];
            int[] y = new int[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                Sample s = rows.get(r)._1();
                if (s.features() == null || s.features().length != featureCount) {
                    throw new IllegalArgumentException(featuresWhat + " has " + (s.features() == null ? "no" : s.features().length)
                            + " values in a row of partition " + partition + " (sample " + rows.get(r)._2() + " of the input); the model "
                            + "takes " + featureCount + " per sample");
                }
                if (s.label() < 0 || s.label() >= classes) {
                    throw new IllegalArgumentException(labelWhat + " holds " + s.label() + " in partition " + partition + " (sample "
                            + rows.get(r)._2() + " of the input), out of range: the model has " + classes + " outputs, so labels "
                            + "must lie in [0, " + classes + ")");
                }
                System.arraycopy(s.features(), 0, x, r * featureCount, featureCount);
                y[r] = s.label();
            }
            return List.of(new Shard(partition, rows.size(), x, y)).iterator();
        }, true).persist(StorageLevel.MEMORY_ONLY());
    }
}
