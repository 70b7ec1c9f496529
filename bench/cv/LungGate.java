import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infnet.analysis.BinaryMorphology;
import org.infnet.analysis.LungSegmentation;
import org.infnet.image.Calibration3D;
import org.infnet.image.HuWindow;

/**
 * Post-processing study for the cross-validation (issue 17): gates infection probability maps written by
 * {@code segment} (PROBDIR/NAME_prob.tif) by the project's classical lung mask of the slice (IMGDIR/NAME.jpg,
 * taken as a lung-window display image), grown by MARGIN pixels: p' = p inside, 0 outside. Writes OUT/NAME.png
 * (8-bit, round(255 p')) for {@code bench/cv/java_cv.sh} and prints, per slice, the share of the doctor's
 * infected pixels (GTDIR/NAME.png, > 127) that the grown mask keeps, and the mask's status.
 *
 * <pre>java -cp target/classes:target/lib/* bench/cv/LungGate.java OUT MARGIN PROBDIR IMGDIR GTDIR [THRESHOLD_HU]</pre>
 */
public class LungGate {
    public static void main(String[] a) throws Exception {
        Path out = Path.of(a[0]);
        double margin = Double.parseDouble(a[1]);
        Path probs = Path.of(a[2]), imgs = Path.of(a[3]), gts = Path.of(a[4]);
        LungSegmentation.Config c = LungSegmentation.Config.DEFAULT;
        if (a.length > 5) {
            c = new LungSegmentation.Config(Double.parseDouble(a[5]), c.airwayHu(), c.minLungAreaMm2(),
                    c.secondLungMinFraction(), c.bridgeRadiusMm(), c.closingRadiusMm(), c.assumedFieldOfViewMm());
        }
        LungSegmentation lungs = new LungSegmentation(c);
        Files.createDirectories(out);
        File[] files = probs.toFile().listFiles((d, n) -> n.endsWith("_prob.tif"));
        double keptAll = 0, gtAll = 0;
        for (File f : files) {
            String name = f.getName().substring(0, f.getName().length() - "_prob.tif".length());
            FloatProcessor p = (FloatProcessor) IJ.openImage(f.getPath()).getProcessor();
            int w = p.getWidth(), h = p.getHeight();
            ImagePlus img = IJ.openImage(imgs.resolve(name + ".jpg").toString());
            ByteProcessor g = img.getProcessor().convertToByteProcessor();
            if (g.getWidth() != w || g.getHeight() != h) {
                g = (ByteProcessor) g.resize(w, h, true);
            }
            float[] hu = new float[w * h];
            byte[] px = (byte[]) g.getPixels();
            for (int i = 0; i < hu.length; i++) {
                hu[i] = (float) (HuWindow.LUNG.lower() + (px[i] & 0xff) / 255.0 * HuWindow.LUNG.width());
            }
            LungSegmentation.SliceLungs s = lungs.sliceChecked(hu, w, h, Calibration3D.UNCALIBRATED);
            byte[] mask = s.mask();
            boolean any = false;
            for (byte b : mask) {
                any |= b != 0;
            }
            float[] d2 = BinaryMorphology.squaredDistanceTo(mask, w, h);
            ByteProcessor gt = IJ.openImage(gts.resolve(name + ".png").toString()).getProcessor().convertToByteProcessor();
            if (gt.getWidth() != w || gt.getHeight() != h) {
                gt = (ByteProcessor) gt.resize(w, h, false);
            }
            byte[] gp = (byte[]) gt.getPixels();
            float[] pp = (float[]) p.getPixels();
            byte[] o = new byte[w * h];
            long kept = 0, inf = 0;
            for (int i = 0; i < o.length; i++) {
                boolean in = !any || d2[i] <= margin * margin;
                float v = in ? pp[i] : 0f;
                o[i] = (byte) Math.round(255 * Math.max(0, Math.min(1, v)));
                if ((gp[i] & 0xff) > 127) {
                    inf++;
                    kept += in ? 1 : 0;
                }
            }
            keptAll += kept;
            gtAll += inf;
            System.out.printf(java.util.Locale.ROOT, "%s %s kept %.4f of %d%n", name, s.status(),
                    inf == 0 ? 1.0 : kept / (double) inf, inf);
            new ij.io.FileSaver(new ImagePlus(name, new ByteProcessor(w, h, o))).saveAsPng(out.resolve(name + ".png").toString());
        }
        System.out.printf(java.util.Locale.ROOT, "all: kept %.4f of the doctors' infected pixels%n", keptAll / gtAll);
    }
}
