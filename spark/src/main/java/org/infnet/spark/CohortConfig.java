package org.infnet.spark;

import java.io.Serializable;

/**
 * What a cohort job does. Paths are strings (a shared file system's paths, the same on the driver and on every
 * executor).
 *
 * @param manifest   CSV (header row, comma-separated) or Parquet file/folder with the columns {@code id} and
 *                   {@code path}; other columns are carried into the result table unchanged
 * @param output     output folder: {@code table/} (Parquet) and {@code volumes/ID/} (NIfTI outputs)
 * @param model      infection model name or folder ({@link org.infnet.model.ModelLocator})
 * @param multiClass also segment GGO / consolidation (with {@code multiClassModel})
 * @param multiClassModel GGO / consolidation model name or folder
 * @param threshold  infection probability threshold
 * @param threads    engine threads per volume (intra-op threads of each executor JVM, at least 1)
 * @param partitions Spark partitions (tasks) for the volumes; 0 means one per volume
 */
public record CohortConfig(String manifest, String output, String model, boolean multiClass, String multiClassModel,
        double threshold, int threads, int partitions) implements Serializable {

    /** Validates. */
    public CohortConfig {
        if (manifest == null || manifest.isBlank() || output == null || output.isBlank()) {
            throw new IllegalArgumentException("a manifest and an output folder are needed");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions must be 0 (one per volume) or more, got " + partitions);
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("--threshold must be in (0,1), got " + threshold);
        }
    }

    /** The defaults (bundled models, threshold 0.5, one thread, one partition per volume). */
    public static CohortConfig of(String manifest, String output) {
        return new CohortConfig(manifest, output, org.infnet.model.ModelLocator.DEFAULT, false,
                org.infnet.model.ModelLocator.DEFAULT_MULTICLASS, 0.5, 1, 0);
    }

    /** This config with GGO / consolidation segmentation on or off. */
    public CohortConfig withMultiClass(boolean on) {
        return new CohortConfig(manifest, output, model, on, multiClassModel, threshold, threads, partitions);
    }

    /** This config with another output folder. */
    public CohortConfig withOutput(String o) {
        return new CohortConfig(manifest, o, model, multiClass, multiClassModel, threshold, threads, partitions);
    }

    /** This config with another infection model. */
    public CohortConfig withModel(String m) {
        return new CohortConfig(manifest, output, m, multiClass, multiClassModel, threshold, threads, partitions);
    }
}
