package org.infnet.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import org.infnet.image.Calibration3D;
import org.infnet.io.ImageFiles;

/**
 * Segments image files into GGO and consolidation ({@link MultiClassSegmenter}) and writes, for an input
 * {@code NAME.ext}: {@code NAME_labels.png} (indexed-colour PNG whose stored values are the labels 0
 * background, 1 GGO, 2 consolidation, with the class colours as palette: black, red, green; {@code
 * NAME_labels.tif} with the same LUT for a stack), {@code NAME_ggo_prob.tif} and {@code
 * NAME_consolidation_prob.tif} (32-bit probabilities). The label PNGs are themselves valid ground truth for
 * {@code evaluate --class}, and the probability maps its predictions. Inputs are expanded, checked and
 * protected as {@link FileSegmentation} does; every file is written atomically.
 */
public final class MultiClassFiles {

    /**
     * What was written for one input.
     *
     * @param input the input file
     * @param outputs files written
     * @param classPixels pixels of each label value
     */
    public record Written(Path input, List<Path> outputs, long[] classPixels) {}

    private final MultiClassSegmenter segmenter;

    /** Writes the results of {@code segmenter}. */
    public MultiClassFiles(MultiClassSegmenter segmenter) {
        this.segmenter = segmenter;
    }

    /** Segments one file into {@code outDir} (created if needed). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Written segment(Path input, Path outDir, List<Path> protectedPaths, Progress progress) throws IOException {
        ImageFiles.SegmentationInput in = ImageFiles.openForSegmentation(input); // palettes applied, alpha ignored
        Calibration3D cal = in.cal();
        Img<? extends RealType<?>> img = in.img();
        MultiClassSegmenter.Result r = segmenter.segment((Img) img, progress);
        Files.createDirectories(outDir);
        String base = FileSegmentation.baseName(input);
        int w = in.width();
        int h = in.height();
        int d = in.depth();
        Path[] prot = protectedPaths.toArray(Path[]::new);
        List<Path> written = new ArrayList<>();
        byte[] labels = InfectionSegmenter.bytes(r.labels());
        byte[][] lut = LesionClasses.lut();
        Path labelFile = outDir.resolve(base + (d == 1 ? "_labels.png" : "_labels.tif"));
        if (d == 1) {
            ImageFiles.writeIndexedPng(labelFile, labels, w, h, lut, prot);
        } else {
            ImageFiles.writeByteTiff(labelFile, labels, w, h, d, base + "_labels", cal, lut, prot);
        }
        written.add(labelFile);
        for (int c = 1; c < r.probabilities().size(); c++) {
            String n = base + "_" + LesionClasses.name(c) + "_prob";
            Path f = outDir.resolve(n + ".tif");
            ImageFiles.writeFloatTiff(f, InfectionSegmenter.floats(r.probabilities().get(c)), w, h, d, n, cal, prot);
            written.add(f);
        }
        long[] counts = new long[r.probabilities().size()];
        for (byte b : labels) {
            counts[b & 0xff]++;
        }
        return new Written(input, written, counts);
    }
}
