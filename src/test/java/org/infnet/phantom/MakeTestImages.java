package org.infnet.phantom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.infnet.image.HuWindow;
import org.infnet.io.ImageFiles;
import org.infnet.train.data.EdgeMaps;

/**
 * Writes the synthetic test set {@code test-images/} in the Inf-Net layout:
 * <pre>
 * Imgs/phantom_XX.png           8-bit, window {@link #DISPLAY_WINDOW} (level -450, width 1350)
 * GT/phantom_XX.png             infection mask 0/255
 * GT-multiclass/phantom_XX.png  0 background, 1 GGO, 2 consolidation
 * Edge/phantom_XX.png           2-pixel boundary of GT, 0/255
 * volume/phantom_ct.nii.gz      a CT volume in HU (int16), 256 x 256 x 16 voxels of 1.4 x 1.4 x 5 mm
 * volume/phantom_ct_lung.nii.gz, volume/phantom_ct_infection.nii.gz   its true lung and infection masks (uint8 0/1)
 * </pre>
 * {@value #COUNT} slices rendered at {@value #SIZE}x{@value #SIZE} (0.7 mm pixels), every one with
 * COVID-19 lesions, from mild (a few peripheral ground-glass patches) to severe (bilateral
 * peripheral GGO with crazy paving and consolidations). Like the COVID-SemiSeg slices the model
 * was trained on, each slice is cropped to the lungs plus a margin of chest wall and stored
 * transposed (anterior left, spine right): all images are {@value #WIDTH} x {@value #HEIGHT} px.
 * Output is deterministic. Usage: {@code MakeTestImages [outputFolder]} (default {@code test-images}).
 */
public final class MakeTestImages {

    /** Number of slices written. */
    public static final int COUNT = 8;
    /** Size of the square slice rendered before cropping, in pixels. */
    public static final int SIZE = 512;
    /** Width of the written images (the anterior-posterior extent after transposing), in pixels. */
    public static final int WIDTH = 296;
    /** Height of the written images (the right-left extent after transposing), in pixels. */
    public static final int HEIGHT = 392;

    /**
     * The display window of the 8-bit images: level -450, width 1350 HU, so -890 HU parenchyma shows at about
     * 44 and 40 HU soft tissue at about 220 of 255. It is the window the COVID-SemiSeg doctor-labelled JPEGs (the
     * model's training data) were stored in, measured on their 50 slices (median histogram modes: lung 43, soft
     * tissue 215); {@link HuWindow#LUNG} (level -600, width 1500) shows the same parenchyma at about 78, greyer
     * than anything the model was trained on.
     */
    public static final HuWindow DISPLAY_WINDOW = new HuWindow(-450, 1350);

    /** Volume: size in pixels (1.4 mm, the 358 mm field of view), number of slices and slice thickness (mm). */
    public static final int VOLUME_SIZE = 256;
    /** Number of slices of the volume. */
    public static final int VOLUME_DEPTH = 16;
    /** Slice thickness of the volume in mm. */
    public static final double VOLUME_SLICE_MM = 5.0;

    /** Image noise (HU, before blur): the grain of the thin-slice, low-dose scans behind the training JPEGs. */
    public static final double NOISE_HU = 32;

    private static final int[] LESIONS = {2, 3, 4, 5, 6, 7, 9, 12};
    private static final double[] CONSOLIDATION = {0, 0.2, 0, 0.4, 0.3, 0.5, 0.25, 0.35};

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
            int w = s.width(), h = s.height();
            ImageFiles.writePng8(imgs.resolve(name), s.window8(DISPLAY_WINDOW), w, h);
            ImageFiles.writePng8(gt.resolve(name), s.infection255(), w, h);
            ImageFiles.writePng8(mc.resolve(name), s.classes(), w, h);
            ImageFiles.writePng8(edge.resolve(name), EdgeMaps.fromMask255(s.infection01(), w, h), w, h);
        }
        Path vol = Files.createDirectories(out.resolve("volume"));
        PhantomVolume v = volume();
        PhantomNifti.writeInt16(v, vol.resolve("phantom_ct.nii.gz"));
        PhantomNifti.writeMask(v.lung(), v, vol.resolve("phantom_ct_lung.nii.gz"));
        PhantomNifti.writeMask(v.infection(), v, vol.resolve("phantom_ct_infection.nii.gz"));
    }

    /**
     * The test volume exactly as written by {@link #write}: {@value #VOLUME_SIZE}^2 x {@value #VOLUME_DEPTH} voxels
     * of 1.4 x 1.4 x {@value #VOLUME_SLICE_MM} mm in radiological orientation, ten lesions, mostly basal.
     */
    public static PhantomVolume volume() {
        PhantomGenerator.Params p = PhantomGenerator.Params.defaults().withSize(VOLUME_SIZE).withNoiseHu(NOISE_HU)
                .withLesionCount(10).withConsolidationFraction(0.3);
        return new PhantomGenerator(2000).volume(p, VOLUME_DEPTH, VOLUME_SLICE_MM);
    }

    /**
     * The k-th (0-based) test slice exactly as written by {@link #write}: rendered at {@value #SIZE} px, cropped
     * to {@value #HEIGHT} x {@value #WIDTH} px centred on the lungs (a few millimetres of chest wall around them),
     * then transposed to {@value #WIDTH} x {@value #HEIGHT}.
     */
    public static PhantomSlice slice(int k) {
        PhantomGenerator.Params p = PhantomGenerator.Params.defaults().withSize(SIZE).withNoiseHu(NOISE_HU)
                .withLesionCount(LESIONS[k]).withConsolidationFraction(CONSOLIDATION[k]);
        PhantomSlice full = new PhantomGenerator(1000 + k).slice(p);
        int[] b = full.lungBounds(0);
        int x0 = Math.max(0, Math.min(SIZE - HEIGHT, b[0] + b[2] / 2 - HEIGHT / 2));
        int y0 = Math.max(0, Math.min(SIZE - WIDTH, b[1] + b[3] / 2 - WIDTH / 2));
        return full.crop(x0, y0, HEIGHT, WIDTH).transposed();
    }
}
