package org.infnet.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Segments a cohort of CT volumes on Apache Spark: reads a manifest (CSV with a header row, or Parquet) with the
 * columns {@code id} and {@code path} (a NIfTI file or a DICOM series folder on a file system every executor
 * sees) and any others, segments every volume (one Spark task each, by default) and writes the Parquet table
 * {@code OUTPUT/table} with one row per volume: the manifest's columns followed by {@link VolumeResult#columns()};
 * the NIfTI outputs of volume {@code ID} are in {@code OUTPUT/volumes/ID/}. A volume that fails is a row with its
 * error; a volume whose outputs are complete from an earlier run is not segmented again (its row is taken from
 * that run, {@code reused} true), so an interrupted job is resumed by submitting it again. A relative volume
 * path is taken from the manifest's folder; a relative output folder from the driver's working folder.
 *
 * <p>Command line (the application's main class for {@code spark-submit}): {@code --manifest FILE --output DIR
 * [--model NAME|DIR] [--multiclass [--multiclass-model NAME|DIR]] [--threshold 0.5] [--threads 1]
 * [--partitions 0]}.
 */
public final class CohortJob {

    /**
     * What a run did.
     *
     * @param volumes rows in the table
     * @param failed  rows with an error
     * @param reused  rows taken from an earlier run
     * @param seconds wall time of the run (reading the manifest to the table written)
     * @param segmentSeconds wall time of the segmentation stage (all volumes' tasks, from the first start to the
     *                       last result; includes each executor's model loading)
     */
    public record Summary(long volumes, long failed, long reused, double seconds, double segmentSeconds) {
        /** Volumes per minute over the run. */
        public double volumesPerMinute() {
            return 60.0 * volumes / seconds;
        }

        /** Volumes per minute over the segmentation stage. */
        public double segmentedPerMinute() {
            return 60.0 * volumes / segmentSeconds;
        }
    }

    private CohortJob() {}

    /** Runs the job with the session's master (spark-submit's {@code --master}). */
    public static void main(String[] argv) throws IOException {
        CohortConfig c = parse(argv);
        SparkSession spark = SparkSession.builder().appName("Inf-Net cohort").getOrCreate();
        try {
            Summary s = run(spark, c);
            System.out.printf(Locale.ROOT, "cohort: %d volumes (%d failed, %d reused from an earlier run) in %.1f s,"
                    + " %.2f volumes/min; segmentation stage %.1f s, %.2f volumes/min; table %s%n", s.volumes(),
                    s.failed(), s.reused(), s.seconds(), s.volumesPerMinute(), s.segmentSeconds(),
                    s.segmentedPerMinute(), Path.of(c.output(), "table"));
        } finally {
            spark.stop();
        }
    }

    /** Parses the command line. */
    static CohortConfig parse(String[] argv) {
        Map<String, String> opt = new HashMap<>();
        Set<String> flags = Set.of("multiclass");
        Set<String> valued = Set.of("manifest", "output", "model", "multiclass-model", "threshold", "threads",
                "partitions");
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            String k = a.startsWith("--") ? a.substring(2) : null;
            if (k != null && flags.contains(k)) {
                opt.put(k, "true");
            } else if (k != null && valued.contains(k) && i + 1 < argv.length) {
                opt.put(k, argv[++i]);
            } else {
                throw new IllegalArgumentException("unknown or incomplete option '" + a + "'; usage: --manifest FILE"
                        + " --output DIR [--model NAME|DIR] [--multiclass [--multiclass-model NAME|DIR]]"
                        + " [--threshold 0.5] [--threads 1] [--partitions 0]");
            }
        }
        CohortConfig d = CohortConfig.of(opt.getOrDefault("manifest", ""), opt.getOrDefault("output", ""));
        return new CohortConfig(d.manifest(), d.output(), opt.getOrDefault("model", d.model()),
                opt.containsKey("multiclass"), opt.getOrDefault("multiclass-model", d.multiClassModel()),
                Double.parseDouble(opt.getOrDefault("threshold", "0.5")),
                Integer.parseInt(opt.getOrDefault("threads", "1")),
                Integer.parseInt(opt.getOrDefault("partitions", "0")));
    }

    /** Reads the manifest: Parquet when the name ends in {@code .parquet} or is a folder, CSV otherwise. */
    static Dataset<Row> manifest(SparkSession spark, String path) {
        String n = path.toLowerCase(Locale.ROOT);
        if (n.endsWith(".parquet") || java.nio.file.Files.isDirectory(Path.of(path))) {
            return spark.read().parquet(path);
        }
        return spark.read().option("header", "true").option("inferSchema", "false").option("mode", "FAILFAST")
                .csv(path);
    }

    /** The folder of a manifest on the local file system (relative volume paths are taken from it), or null. */
    static String manifestFolder(String manifest) {
        if (manifest.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return null; // a URI (hdfs://, s3a://): volume paths must be absolute
        }
        Path parent = Path.of(manifest).toAbsolutePath().normalize().getParent();
        return parent == null ? null : parent.toString();
    }

    /**
     * Runs the job and writes the table.
     *
     * @throws IllegalArgumentException when the manifest lacks {@code id} or {@code path}, or has a column named
     *                                  like a result column
     */
    public static Summary run(SparkSession spark, CohortConfig config) {
        long t0 = System.nanoTime();
        // executors run in their own working folders: the output folder is made absolute here, on the driver
        CohortConfig c = config.withOutput(Path.of(config.output()).toAbsolutePath().normalize().toString());
        Dataset<Row> manifest = manifest(spark, c.manifest());
        StructType in = manifest.schema();
        List<String> names = Arrays.asList(in.fieldNames());
        if (!names.contains("id") || !names.contains("path")) {
            throw new IllegalArgumentException("manifest " + c.manifest() + " needs the columns 'id' and 'path', has "
                    + names);
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(in.fields()));
        for (StructField f : VolumeResult.columns()) {
            if (names.contains(f.name())) {
                throw new IllegalArgumentException("manifest column '" + f.name() + "' clashes with a result column");
            }
            fields.add(f);
        }
        StructType outSchema = DataTypes.createStructType(fields);
        List<Row> rows = manifest.collectAsList(); // a cohort's manifest is small: one task per volume from here
        int idIndex = names.indexOf("id");
        Set<String> seen = new HashSet<>(), duplicates = new HashSet<>();
        for (Row r : rows) {
            String id = r.isNullAt(idIndex) ? null : String.valueOf(r.get(idIndex));
            if (id != null && !seen.add(id)) {
                duplicates.add(id);
            }
        }
        List<Row> results;
        long t1 = System.nanoTime();
        if (rows.isEmpty()) {
            results = List.of();
        } else {
            int parts = c.partitions() == 0 ? rows.size() : Math.min(c.partitions(), rows.size());
            JavaRDD<Row> volumes = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, parts);
            // collected once: the segmentation is never recomputed by a later stage
            results = volumes.mapPartitions(new VolumeTask(c, idIndex, names.indexOf("path"), duplicates,
                    manifestFolder(c.manifest()))).collect();
        }
        double segmentSeconds = (System.nanoTime() - t1) / 1e9;
        spark.createDataFrame(results, outSchema).repartition(1).sortWithinPartitions("id").write()
                .mode(SaveMode.Overwrite).parquet(Path.of(c.output(), "table").toString());
        int errorIndex = outSchema.fieldIndex("error"), reusedIndex = outSchema.fieldIndex("reused");
        long failed = results.stream().filter(r -> !r.isNullAt(errorIndex)).count();
        long reused = results.stream().filter(r -> !r.isNullAt(reusedIndex) && r.getBoolean(reusedIndex)).count();
        return new Summary(results.size(), failed, reused, (System.nanoTime() - t0) / 1e9, segmentSeconds);
    }
}
