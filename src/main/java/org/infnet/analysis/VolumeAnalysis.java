package org.infnet.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import org.infnet.infer.FileSegmentation;
import org.infnet.io.InputFile;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.infer.LesionClasses;
import org.infnet.infer.MultiClassSegmenter;
import org.infnet.infer.Progress;
import org.infnet.image.ImageConversions;
import org.infnet.io.ImageFiles;
import org.infnet.io.nifti.NiftiGeometry;
import org.infnet.io.nifti.NiftiReader;
import org.infnet.io.nifti.NiftiVolume;
import org.infnet.io.nifti.NiftiWriter;

/**
 * Segments one NIfTI CT volume and measures it: the infection outputs exactly as the CLI's {@code segment}
 * writes them ({@link FileSegmentation}: {@code NAME_prob.nii.gz}, {@code NAME_mask.nii.gz}), the classical lung
 * mask {@code NAME_lung.nii.gz} ({@link LungSegmentation}), and the infection burden of the written mask and
 * probability map within that lung mask ({@link InfectionBurden}); with a multi-class segmenter also {@code
 * NAME_labels.nii.gz} (uint8: 0 background, 1 GGO, 2 consolidation) and the volume of each class. All outputs are
 * NIfTI volumes on the input's grid, each written atomically; the input is never overwritten. The burden of a
 * volume is a function of the files the CLI writes ({@link #burden}), so a volume measured here and one segmented
 * with the CLI and measured from its files give the same numbers.
 *
 * <p>Thread-safe when its segmenters are (frozen models): several volumes may be analysed at once.
 */
public final class VolumeAnalysis {

    /**
     * The measurements of one volume.
     *
     * @param input           the CT volume
     * @param geometry        its size, voxel size (mm) and position
     * @param burden          infection burden within the lung mask (per slice and total)
     * @param ggoMl           GGO volume, mL (NaN without the multi-class segmenter)
     * @param consolidationMl consolidation volume, mL (NaN without the multi-class segmenter)
     * @param outputs         files written, in the order prob, mask, lung[, labels]
     */
    public record Measured(Path input, NiftiGeometry geometry, VolumeBurden burden, double ggoMl,
            double consolidationMl, List<Path> outputs) {

        /** Copies the output list. */
        public Measured {
            outputs = List.copyOf(outputs);
        }
    }

    private final FileSegmentation<InfectionSegmenter.Result> infection;
    private final MultiClassSegmenter multiClass;
    private final LungSegmentation lungs;

    /**
     * @param segmenter  the infection segmenter (its threshold, window and streams are used; its edge maps, when
     *                   made, are written too)
     * @param multiClass GGO / consolidation segmenter, or null for infection only
     * @param lungs      the lung segmentation the burden is measured in
     */
    public VolumeAnalysis(InfectionSegmenter segmenter, MultiClassSegmenter multiClass, LungSegmentation lungs) {
        this.infection = new FileSegmentation<>(segmenter);
        this.multiClass = multiClass;
        this.lungs = lungs;
    }

    /** Names of the outputs of {@code input} in {@code outDir}, in the order of {@link Measured#outputs}. */
    public List<Path> outputs(Path input, Path outDir) {
        String base = NiftiReader.baseName(input);
        List<Path> out = new ArrayList<>(List.of(outDir.resolve(base + "_prob.nii.gz"),
                outDir.resolve(base + "_mask.nii.gz"), outDir.resolve(base + "_lung.nii.gz")));
        if (multiClass != null) {
            out.add(outDir.resolve(base + "_labels.nii.gz"));
        }
        return out;
    }

    /**
     * Segments and measures the NIfTI volume {@code input}, writing its outputs into {@code outDir} (created if
     * needed): all of them or, on failure, none.
     *
     * @throws IOException naming the file and the problem (unreadable or corrupt input, write failure)
     */
    public Measured analyse(Path input, Path outDir) throws IOException {
        if (InputFile.of(input).kind() != InputFile.Kind.NIFTI) {
            throw new IOException(input + ": not a NIfTI volume (.nii or .nii.gz)");
        }
        List<Path> written = new ArrayList<>();
        try {
            FileSegmentation.Written w = infection.segment(input, outDir, List.of(input), Progress.NONE);
            written.addAll(w.outputs());
            List<Path> names = outputs(input, outDir);
            NiftiVolume ct = NiftiReader.read(input);
            NiftiGeometry g = ct.geometry();
            byte[] lung = lungs.volume(ct.data(), g.width(), g.height(), g.depth(), g.calibration());
            NiftiWriter.writeUInt8(names.get(2), g, lung, input);
            written.add(names.get(2));
            VolumeBurden b = burden(names.get(1), names.get(0), lung, g);
            double ggo = Double.NaN, cons = Double.NaN;
            if (multiClass != null) {
                long[] counts = labels(input, g, names.get(3));
                written.add(names.get(3));
                double voxelMl = g.calibration().voxelVolume() / 1000.0;
                ggo = counts[LesionClasses.GGO] * voxelMl;
                cons = counts[LesionClasses.CONSOLIDATION] * voxelMl;
            }
            return new Measured(input, g, b, ggo, cons, names);
        } catch (IOException | RuntimeException e) {
            for (Path p : written) {
                Files.deleteIfExists(p);
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                throw new IOException(input + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** GGO / consolidation labels of {@code input}, as the CLI's {@code segment --multiclass} computes them. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private long[] labels(Path input, NiftiGeometry g, Path target) throws IOException {
        Img<? extends RealType<?>> img = ImageConversions.toSegmentationInput(ImageFiles.open(input));
        MultiClassSegmenter.Result r = multiClass.segment((Img) img, Progress.NONE);
        byte[] labels = InfectionSegmenter.bytes(r.labels());
        NiftiWriter.writeUInt8(target, g, labels, input);
        long[] counts = new long[r.probabilities().size()];
        for (byte b : labels) {
            counts[b & 0xff]++;
        }
        return counts;
    }

    /**
     * The burden of a volume from the files the CLI's {@code segment} wrote for it ({@code NAME_mask.nii.gz}, any
     * non-zero voxel infected, and {@code NAME_prob.nii.gz}), within the lung mask {@code lung} of the CT's grid
     * {@code g}.
     *
     * @throws IOException when a file cannot be read or is not on the grid {@code g}
     */
    public static VolumeBurden burden(Path maskFile, Path probFile, byte[] lung, NiftiGeometry g) throws IOException {
        NiftiVolume mask = NiftiReader.read(maskFile);
        NiftiVolume prob = NiftiReader.read(probFile);
        for (NiftiVolume v : List.of(mask, prob)) {
            if (v.width() != g.width() || v.height() != g.height() || v.depth() != g.depth()) {
                throw new IOException("segmentation " + v.geometry() + " is not on the CT's grid " + g);
            }
        }
        float[] m = mask.data();
        byte[] infected = new byte[m.length];
        for (int i = 0; i < m.length; i++) {
            infected[i] = (byte) (m[i] != 0 ? 1 : 0);
        }
        return InfectionBurden.compute(infected, prob.data(), lung, g.width(), g.height(), g.depth(), g.calibration());
    }

    /**
     * The burden of the CT volume {@code ct} from the files the CLI's {@code segment} wrote for it, within the lung
     * mask {@code lungs} computes for it: the numbers {@link #analyse} gives.
     */
    public static VolumeBurden burden(Path ct, Path maskFile, Path probFile, LungSegmentation lungs)
            throws IOException {
        NiftiVolume v = NiftiReader.read(ct);
        NiftiGeometry g = v.geometry();
        return burden(maskFile, probFile, lungs.volume(v.data(), g.width(), g.height(), g.depth(), g.calibration()), g);
    }
}
