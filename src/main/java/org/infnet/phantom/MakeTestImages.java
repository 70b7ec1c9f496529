package org.infnet.phantom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.infnet.io.ImageFiles;
import org.infnet.train.data.EdgeMaps;

/**
 * Writes the synthetic test set {@code test-images/} in the Inf-Net layout:
 * <pre>
 * Imgs/phantom_XX.png           8-bit lung window (HuWindow.LUNG)
 * GT/phantom_XX.png             infection mask 0/255
 * GT-multiclass/phantom_XX.png  0 background, 1 GGO, 2 consolidation
 * Edge/phantom_XX.png           2-pixel boundary of GT, 0/255
 * </pre>
 * {@value #COUNT} slices of {@value #SIZE}x{@value #SIZE} with varied lesion load (phantom_01 has
 * no lesion). Output is deterministic. Usage: {@code MakeTestImages [outputFolder]} (default
 * {@code test-images}).
 */
public final class MakeTestImages {

    /** Number of slices written. */
    public static final int COUNT = 8;
    /** Slice size in pixels. */
    public static final int SIZE = 512;

    private static final int[] LESIONS = {0, 1, 2, 3, 4, 6, 8, 11};
    private static final double[] CONSOLIDATION = {0, 0, 0.5, 0.3, 0.0, 0.4, 0.25, 0.35};

    private MakeTestImages() {
    }

    /** Entry point; the only argument is the output folder. */
    public static void main(String[] args) throws IOException {
        Path out = Paths.get(args.length > 0 ? args[0] : "test-images");
        write(out);
        System.out.println("Wrote " + COUNT + " phantom slices to " + out.toAbsolutePath());
    }

    /** Writes the test set into {@code out} (folders are created). */
    public static void write(Path out) throws IOException {
        Path imgs = Files.createDirectories(out.resolve("Imgs"));
        Path gt = Files.createDirectories(out.resolve("GT"));
        Path mc = Files.createDirectories(out.resolve("GT-multiclass"));
        Path edge = Files.createDirectories(out.resolve("Edge"));
        for (int k = 0; k < COUNT; k++) {
            PhantomSlice s = slice(k);
            String name = String.format("phantom_%02d.png", k + 1);
            ImageFiles.writePng8(imgs.resolve(name), s.lungWindow8(), SIZE, SIZE);
            ImageFiles.writePng8(gt.resolve(name), s.infection255(), SIZE, SIZE);
            ImageFiles.writePng8(mc.resolve(name), s.classes(), SIZE, SIZE);
            ImageFiles.writePng8(edge.resolve(name), EdgeMaps.fromMask255(s.infection01(), SIZE, SIZE), SIZE, SIZE);
        }
    }

    /** The k-th (0-based) test slice, exactly as written by {@link #write}. */
    public static PhantomSlice slice(int k) {
        PhantomGenerator.Params p = PhantomGenerator.Params.defaults()
                .withLesionCount(LESIONS[k]).withConsolidationFraction(CONSOLIDATION[k]);
        return new PhantomGenerator(1000 + k).slice(p);
    }
}
