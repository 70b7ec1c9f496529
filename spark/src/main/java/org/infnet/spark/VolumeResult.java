package org.infnet.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.infnet.analysis.VolumeAnalysis;
import org.infnet.analysis.VolumeBurden;
import org.infnet.io.AtomicFiles;
import org.infnet.image.Calibration3D;

/**
 * The measurements of one volume: the result columns of the cohort table, and the completion record
 * ({@value #DONE}) written, atomically and last, into the volume's output folder. Numbers that do not apply
 * (a failed volume; GGO / consolidation when not asked; NaN, such as the burden without lung) are null.
 *
 * @param path           the manifest's path (a volume whose path changed is segmented again)
 * @param slices         number of axial slices
 * @param width          voxels along x
 * @param height         voxels along y
 * @param voxelXMm       voxel width, mm
 * @param voxelYMm       voxel height, mm
 * @param voxelZMm       slice spacing, mm
 * @param lungMl         lung volume (classical lung mask), mL
 * @param infectedMl     all infected voxels, mL
 * @param infectedInLungMl infected voxels inside the lung mask, mL
 * @param burdenPercent  {@code 100 * infectedInLung / lung}
 * @param meanProbability mean infection probability over the infected voxels
 * @param ggoMl          GGO, mL (multi-class only)
 * @param consolidationMl consolidation, mL (multi-class only)
 * @param model          model name(s)
 * @param modelVersion   model version (hash of the descriptors)
 * @param engine         inference engine and version
 * @param seconds        wall time of the volume's segmentation and measurement
 * @param reused         true when taken from the completion record of an earlier run (nothing recomputed)
 * @param outputs        absolute paths of the NIfTI outputs
 * @param outputSizes    their sizes in bytes (a volume is complete when all are there with these sizes)
 * @param error          why the volume failed, or null
 */
public record VolumeResult(String path, Integer slices, Integer width, Integer height, Double voxelXMm,
        Double voxelYMm, Double voxelZMm, Double lungMl, Double infectedMl, Double infectedInLungMl,
        Double burdenPercent, Double meanProbability, Double ggoMl, Double consolidationMl, String model,
        String modelVersion, String engine, Double seconds, Boolean reused, List<String> outputs,
        List<Long> outputSizes, String error) implements Serializable {

    /** Name of the completion record in a volume's output folder. */
    public static final String DONE = "done.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    /** The result columns, in table order, after the manifest's columns. */
    public static List<StructField> columns() {
        List<StructField> f = new ArrayList<>();
        f.add(field("slices", DataTypes.IntegerType));
        f.add(field("width", DataTypes.IntegerType));
        f.add(field("height", DataTypes.IntegerType));
        for (String n : List.of("voxel_x_mm", "voxel_y_mm", "voxel_z_mm", "lung_ml", "infected_ml",
                "infected_in_lung_ml", "burden_percent", "mean_probability", "ggo_ml", "consolidation_ml")) {
            f.add(field(n, DataTypes.DoubleType));
        }
        f.add(field("model", DataTypes.StringType));
        f.add(field("model_version", DataTypes.StringType));
        f.add(field("engine", DataTypes.StringType));
        f.add(field("seconds", DataTypes.DoubleType));
        f.add(field("reused", DataTypes.BooleanType));
        f.add(field("outputs", DataTypes.createArrayType(DataTypes.StringType, false)));
        f.add(field("error", DataTypes.StringType));
        return f;
    }

    private static StructField field(String name, DataType t) {
        return DataTypes.createStructField(name, t, true);
    }

    /** The values of {@link #columns()}. */
    public Object[] values() {
        return new Object[] {slices, width, height, voxelXMm, voxelYMm, voxelZMm, lungMl, infectedMl,
            infectedInLungMl, burdenPercent, meanProbability, ggoMl, consolidationMl, model, modelVersion, engine,
            seconds, reused, outputs == null ? null : outputs.toArray(new String[0]), error};
    }

    /** A failed volume. */
    public static VolumeResult failed(String path, String error, double seconds) {
        return new VolumeResult(path, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, seconds, false, null, null, error);
    }

    /** A measured volume. */
    static VolumeResult measured(String path, VolumeAnalysis.Measured m, Segmenters s, double seconds)
            throws IOException {
        Calibration3D c = m.geometry().calibration();
        VolumeBurden b = m.burden();
        List<String> outs = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (Path p : m.outputs()) {
            outs.add(p.toAbsolutePath().toString());
            sizes.add(Files.size(p));
        }
        return new VolumeResult(path, m.geometry().depth(), m.geometry().width(), m.geometry().height(),
                c.pixelWidth(), c.pixelHeight(), c.pixelDepth(), num(b.lungVolumeMl()), num(b.infectedVolumeMl()),
                num(b.infectedInLungVolumeMl()), num(b.burdenPercent()), num(b.meanProbability()), num(m.ggoMl()),
                num(m.consolidationMl()), s.modelName, s.modelVersion, s.engine, seconds, false, outs, sizes, null);
    }

    private static Double num(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** This result as taken from an earlier run's record. */
    VolumeResult asReused() {
        return new VolumeResult(path, slices, width, height, voxelXMm, voxelYMm, voxelZMm, lungMl, infectedMl,
                infectedInLungMl, burdenPercent, meanProbability, ggoMl, consolidationMl, model, modelVersion, engine,
                seconds, true, outputs, outputSizes, error);
    }

    /** Writes the completion record into {@code dir}, atomically. */
    void writeDone(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(DONE), GSON.toJson(this));
    }

    /**
     * The completion record in {@code dir} when it is complete for {@code path} (segmented as the NIfTI file
     * {@code analysed}), the model and the options of {@code s}: the record reads, names the same input path, model and version, and every output it lists is
     * there with its recorded size. Null otherwise (no record, a half-written volume, other model, ...).
     */
    static VolumeResult completed(Path dir, String path, Path analysed, Segmenters s) {
        Path f = dir.resolve(DONE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            VolumeResult r = GSON.fromJson(Files.readString(f), VolumeResult.class);
            if (r == null || r.error != null || !path.equals(r.path) || !s.modelName.equals(r.model)
                    || !s.modelVersion.equals(r.modelVersion) || r.outputs == null || r.outputSizes == null
                    || r.outputs.size() != r.outputSizes.size()
                    || !r.outputs.equals(s.analysis.outputs(analysed, dir).stream()
                            .map(p -> p.toAbsolutePath().toString()).toList())) {
                return null;
            }
            for (int i = 0; i < r.outputs.size(); i++) {
                Path o = Path.of(r.outputs.get(i));
                if (!Files.isRegularFile(o) || Files.size(o) != r.outputSizes.get(i)) {
                    return null;
                }
            }
            return r;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or damaged: the volume is done again
        }
    }
}
