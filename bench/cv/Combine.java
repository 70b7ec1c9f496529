import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Post-processing study for the cross-validation (issue 17): combines probability maps written by
 * {@code segment} (NAME_prob.tif) at several input sizes by the mean of their logits, divides the logit by a
 * temperature T, and writes NAME.png (8-bit, round(255 p)) for {@code bench/cv/java_cv.sh}. Only ImageJ 1.x.
 *
 * <pre>java -cp target/lib/ij-*.jar bench/cv/Combine.java OUT T DIR [DIR...]</pre>
 *
 * <p>A DIR written {@code flip:DIR} holds maps of left-right mirrored slices: they are mirrored back before they
 * are combined. {@code Combine.java mirror SRC DST} writes every image of SRC mirrored left-right as DST/NAME.png
 * (lossless), the input of that test-time-flip study ({@code bench/cv/flip_cv.sh}).
 *
 * <p>With OUT = {@code nll:GTDIR}, writes nothing and prints, per slice, the mean binary cross-entropy of the
 * tempered probabilities against the doctor's mask (GTDIR/NAME.png, > 127 = infected) for each T of the
 * comma-separated list given as T: the calibration criterion of {@code bench/cv/temperature_cv.sh}.
 */
public class Combine {
    public static void main(String[] a) throws Exception {
        if (a[0].equals("mirror")) {
            mirror(Path.of(a[1]), Path.of(a[2]));
            return;
        }
        if (a[0].startsWith("nll:")) {
            nll(Path.of(a[0].substring(4)), a[1].split(","), Path.of(a[2]));
            return;
        }
        Path out = Path.of(a[0]);
        double t = Double.parseDouble(a[1]);
        List<Path> dirs = new ArrayList<>();
        List<Boolean> flipped = new ArrayList<>();
        for (int i = 2; i < a.length; i++) {
            flipped.add(a[i].startsWith("flip:"));
            dirs.add(Path.of(a[i].startsWith("flip:") ? a[i].substring(5) : a[i]));
        }
        Files.createDirectories(out);
        File[] files = dirs.get(0).toFile().listFiles((d, n) -> n.endsWith("_prob.tif"));
        for (File f : files) {
            String name = f.getName().substring(0, f.getName().length() - "_prob.tif".length());
            float[] sum = null;
            int w = 0, h = 0;
            for (int k = 0; k < dirs.size(); k++) {
                ImagePlus imp = IJ.openImage(dirs.get(k).resolve(f.getName()).toString());
                FloatProcessor fp = imp.getProcessor().convertToFloatProcessor();
                if (flipped.get(k)) {
                    fp.flipHorizontal();
                }
                float[] p = (float[]) fp.getPixels();
                w = imp.getWidth();
                h = imp.getHeight();
                if (sum == null) {
                    sum = new float[p.length];
                }
                for (int i = 0; i < p.length; i++) {
                    double q = Math.min(Math.max(p[i], 1e-7), 1 - 1e-7);
                    sum[i] += (float) Math.log(q / (1 - q));
                }
            }
            byte[] px = new byte[sum.length];
            for (int i = 0; i < sum.length; i++) {
                double z = sum[i] / dirs.size() / t;
                px[i] = (byte) Math.round(255 / (1 + Math.exp(-z)));
            }
            new ij.io.FileSaver(new ImagePlus(name, new ByteProcessor(w, h, px))).saveAsPng(out.resolve(name + ".png").toString());
        }
    }

    static void mirror(Path src, Path dst) throws Exception {
        Files.createDirectories(dst);
        for (File f : src.toFile().listFiles(File::isFile)) {
            ImagePlus imp = IJ.openImage(f.getPath());
            if (imp == null) {
                continue;
            }
            imp.getProcessor().flipHorizontal();
            String name = f.getName().replaceFirst("\\.[^.]+$", "");
            new ij.io.FileSaver(imp).saveAsPng(dst.resolve(name + ".png").toString());
        }
    }

    static void nll(Path gtDir, String[] ts, Path dir) {
        File[] files = dir.toFile().listFiles((d, n) -> n.endsWith("_prob.tif"));
        System.out.println("name," + String.join(",", ts));
        for (File f : files) {
            String name = f.getName().substring(0, f.getName().length() - "_prob.tif".length());
            float[] p = (float[]) IJ.openImage(f.getPath()).getProcessor().convertToFloatProcessor().getPixels();
            ImagePlus gt = IJ.openImage(gtDir.resolve(name + ".png").toString());
            float[] g = (float[]) gt.getProcessor().convertToFloatProcessor().getPixels();
            StringBuilder row = new StringBuilder(name);
            for (String tt : ts) {
                double t = Double.parseDouble(tt), sum = 0;
                for (int i = 0; i < p.length; i++) {
                    double q = Math.min(Math.max(p[i], 1e-7), 1 - 1e-7);
                    double z = Math.log(q / (1 - q)) / t;
                    // -log sigmoid(z) for a positive pixel, -log(1 - sigmoid(z)) for a negative one, stably
                    double m = g[i] > 127 ? -z : z;
                    sum += Math.max(m, 0) + Math.log1p(Math.exp(-Math.abs(m)));
                }
                row.append(',').append(sum / p.length);
            }
            System.out.println(row);
        }
    }
}
