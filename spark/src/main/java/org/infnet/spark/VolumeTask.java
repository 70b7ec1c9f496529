package org.infnet.spark;

import ij.ImagePlus;
import ij.plugin.FolderOpener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.infnet.analysis.VolumeAnalysis;
import org.infnet.image.Calibration3D;
import org.infnet.image.ImageConversions;
import org.infnet.io.nifti.NiftiGeometry;
import org.infnet.io.nifti.NiftiWriter;

/**
 * The work of one Spark partition: its manifest rows, one volume at a time, each turned into its result row
 * (the manifest's values followed by {@link VolumeResult#columns()}). A volume whose outputs are complete from an
 * earlier run is not segmented again ({@link VolumeResult#completed}); a volume that fails gives a row with its
 * error, never a failed task. The models come from the JVM's {@link Segmenters}.
 */
final class VolumeTask implements FlatMapFunction<Iterator<Row>, Row> {

    private static final long serialVersionUID = 1L;

    /** Ids usable as folder names on every file system. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    /** File name of a DICOM series converted to NIfTI in the volume's output folder. */
    static final String DICOM_AS_NIFTI = "ct.nii.gz";

    private final CohortConfig config;
    private final int idIndex;
    private final int pathIndex;
    private final Set<String> duplicates;
    private final String baseFolder;

    /**
     * @param config     the job
     * @param idIndex    index of the {@code id} column in the manifest rows
     * @param pathIndex  index of the {@code path} column
     * @param duplicates ids that appear more than once in the manifest (their rows fail)
     * @param baseFolder absolute folder that relative volume paths are resolved against (the manifest's), or null
     */
    VolumeTask(CohortConfig config, int idIndex, int pathIndex, Set<String> duplicates, String baseFolder) {
        this.config = config;
        this.idIndex = idIndex;
        this.pathIndex = pathIndex;
        this.duplicates = Set.copyOf(duplicates);
        this.baseFolder = baseFolder;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        List<Row> out = new ArrayList<>();
        while (rows.hasNext()) {
            Row in = rows.next();
            Object[] values = new Object[in.length() + VolumeResult.columns().size()];
            for (int i = 0; i < in.length(); i++) {
                values[i] = in.get(i);
            }
            Object[] result = volume(in).values();
            System.arraycopy(result, 0, values, in.length(), result.length);
            out.add(RowFactory.create(values));
        }
        return out.iterator();
    }

    /** The result of one manifest row. */
    VolumeResult volume(Row in) {
        long t0 = System.nanoTime();
        String id = in.isNullAt(idIndex) ? null : String.valueOf(in.get(idIndex));
        String path = in.isNullAt(pathIndex) ? null : String.valueOf(in.get(pathIndex));
        try {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IOException("id " + (id == null ? "missing" : "'" + id + "'")
                        + " is not usable as a folder name (letters, digits, '.', '_', '-'; 200 at most)");
            }
            if (duplicates.contains(id)) {
                throw new IOException("id '" + id + "' appears more than once in the manifest");
            }
            if (path == null || path.isBlank()) {
                throw new IOException("no path given");
            }
            Path input = Path.of(path);
            if (!input.isAbsolute()) {
                if (baseFolder == null) {
                    throw new IOException("relative path with a manifest that is not a local file: give an absolute path");
                }
                input = Path.of(baseFolder).resolve(input).normalize();
            }
            Path dir = Path.of(config.output(), "volumes", id);
            Segmenters s = Segmenters.get(config);
            Path analysed = Files.isDirectory(input) ? dir.resolve(DICOM_AS_NIFTI) : input;
            VolumeResult done = VolumeResult.completed(dir, path, analysed, s);
            if (done != null) {
                return done.asReused();
            }
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(VolumeResult.DONE));
            if (Files.isDirectory(input)) {
                dicomToNifti(input, analysed);
            }
            VolumeAnalysis.Measured m = s.analysis.analyse(analysed, dir);
            VolumeResult r = VolumeResult.measured(path, m, s, seconds(t0));
            r.writeDone(dir);
            return r;
        } catch (Exception | OutOfMemoryError | LinkageError e) {
            String msg = e.getClass().getSimpleName() + ": " + (e.getMessage() == null ? "" : e.getMessage());
            if (path != null && !msg.contains(path)) {
                msg = path + ": " + msg; // the row names its input whatever the exception says
            }
            return VolumeResult.failed(path, msg, seconds(t0));
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Converts the DICOM series in {@code folder} (ImageJ's folder opener, sorted; HU through the DICOM rescale;
     * voxel size from the DICOM calibration) to a float32 NIfTI volume in the canonical axial layout, origin 0.
     * The slice order is the opener's; the orientation is taken as axial LPS (DICOM's patient axes).
     */
    static void dicomToNifti(Path folder, Path target) throws IOException {
        ImagePlus imp = FolderOpener.open(folder.toString(), "virtual=false sort");
        if (imp == null || imp.getStackSize() < 1) {
            throw new IOException(folder + ": no DICOM images in the folder");
        }
        Calibration3D cal = Calibration3D.from(imp);
        if (!cal.isPhysical()) {
            throw new IOException(folder + ": the images have no physical voxel size (not a DICOM series?)");
        }
        float[] hu = ImageConversions.toFloatArray(imp);
        NiftiWriter.writeFloat32(target, NiftiGeometry.of(imp.getWidth(), imp.getHeight(), imp.getStackSize(), cal),
                hu);
    }
}
