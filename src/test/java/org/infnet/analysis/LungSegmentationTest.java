package org.infnet.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.imglib2.img.array.ArrayImgs;
import org.infnet.image.Calibration3D;
import org.infnet.image.HuWindow;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomSlice;
import org.infnet.phantom.PhantomVolume;
import org.junit.jupiter.api.Test;

/** Classical lung masks against the phantom generator's true lungs (Dice >= 0.95). */
class LungSegmentationTest {

    static final double MIN_DICE = 0.95;
    private final LungSegmentation seg = new LungSegmentation();

    static double dice(byte[] a, byte[] b) {
        long inter = 0, sa = 0, sb = 0;
        for (int i = 0; i < a.length; i++) {
            boolean x = a[i] != 0, y = b[i] != 0;
            sa += x ? 1 : 0;
            sb += y ? 1 : 0;
            inter += x && y ? 1 : 0;
        }
        return sa + sb == 0 ? 1.0 : 2.0 * inter / (sa + sb);
    }

    /** Consolidation pixels 4-adjacent to a non-lung pixel: lesion touching the lung boundary. */
    static int consolidationOnBoundary(PhantomSlice s) {
        int w = s.width(), h = s.height(), c = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = x + w * y;
                if (s.classes()[i] == PhantomSlice.CONSOLIDATION && (s.lung()[i - 1] == 0 || s.lung()[i + 1] == 0
                        || s.lung()[i - w] == 0 || s.lung()[i + w] == 0)) {
                    c++;
                }
            }
        }
        return c;
    }

    private static Calibration3D cal(PhantomGenerator.Params p) {
        return Calibration3D.of(p.pixelSpacingMm(), 1, "mm");
    }

    @Test
    void slicesWithConsolidationsTouchingThePleuraReachDice95() {
        PhantomGenerator.Params p = PhantomGenerator.Params.defaults().withSize(256).withLesionCount(7)
                .withConsolidationFraction(0.8);
        List<String> report = new ArrayList<>();
        int touching = 0;
        double worst = 1;
        for (long seed = 1; seed <= 8; seed++) {
            PhantomSlice s = new PhantomGenerator(seed).slice(p);
            double d = dice(seg.slice(s.hu(), s.width(), s.height(), cal(p)), s.lung());
            int contact = consolidationOnBoundary(s);
            touching += contact > 0 ? 1 : 0;
            worst = Math.min(worst, d);
            report.add(String.format(Locale.ROOT, "seed %d: dice %.4f, consolidation boundary px %d", seed, d, contact));
        }
        System.out.println("[lung] " + String.join("; ", report));
        assertTrue(touching >= 3, "expected several slices with consolidation on the lung boundary: " + report);
        assertTrue(worst >= MIN_DICE, report.toString());
    }

    @Test
    void fullResolutionSlicesAndTheEightBitLungWindowReachDice95() {
        List<String> report = new ArrayList<>();
        for (long seed : new long[] {21, 22}) {
            PhantomGenerator.Params p = PhantomGenerator.Params.defaults().withLesionCount(6).withConsolidationFraction(0.5);
            PhantomSlice s = new PhantomGenerator(seed).slice(p);
            double dHu = dice(seg.slice(s.hu(), s.width(), s.height(), cal(p)), s.lung());
            double d8 = dice(seg.slice8(s.lungWindow8(), s.width(), s.height(), HuWindow.LUNG, cal(p)), s.lung());
            // uncalibrated 8-bit image (e.g. a PNG): the assumed field of view is used
            double d8u = dice(seg.segment(ArrayImgs.unsignedBytes(s.lungWindow8(), s.width(), s.height()),
                    Calibration3D.UNCALIBRATED, HuWindow.LUNG), s.lung());
            report.add(String.format(Locale.ROOT, "512px seed %d: HU %.4f, 8-bit %.4f, 8-bit uncalibrated %.4f, boundary px %d",
                    seed, dHu, d8, d8u, consolidationOnBoundary(s)));
            assertTrue(dHu >= MIN_DICE && d8 >= MIN_DICE && d8u >= MIN_DICE, report.toString());
        }
        System.out.println("[lung] " + String.join("; ", report));
    }

    @Test
    void volumeSlicesReachDice95IncludingTaperedEnds() {
        PhantomGenerator.Params p = PhantomGenerator.Params.defaults().withSize(192).withLesionCount(8)
                .withConsolidationFraction(0.6);
        PhantomVolume v = new PhantomGenerator(31).volume(p, 10, 5.0);
        byte[] m = seg.volume(v.hu(), v.width(), v.height(), v.depth(), v.calibration());
        int n = v.width() * v.height();
        List<String> report = new ArrayList<>();
        double worst = 1;
        for (int z = 0; z < v.depth(); z++) {
            byte[] a = java.util.Arrays.copyOfRange(m, z * n, (z + 1) * n);
            byte[] b = java.util.Arrays.copyOfRange(v.lung(), z * n, (z + 1) * n);
            double d = dice(a, b);
            worst = Math.min(worst, d);
            report.add(String.format(Locale.ROOT, "z%d %.4f(%d)", z, d, consolidationOnBoundary(v.slice(z))));
        }
        double dv = dice(m, v.lung());
        System.out.println("[lung] volume seed 31 dice " + String.format(Locale.ROOT, "%.4f", dv) + ": " + report);
        assertTrue(worst >= MIN_DICE, report.toString());
    }

    @Test
    void emptyAndBodylessSlicesGiveEmptyMasks() {
        float[] air = new float[64 * 64];
        java.util.Arrays.fill(air, -1000);
        assertEquals(0, count(seg.slice(air, 64, 64, Calibration3D.of(1, 1, "mm"))));
        float[] tissue = new float[64 * 64];
        assertEquals(0, count(seg.slice(tissue, 64, 64, Calibration3D.of(1, 1, "mm"))));
    }

    @Test
    void closingFillsAConcaveBiteButNeverBridgesTheTwoLungs() {
        int w = 120, h = 80;
        float[] hu = new float[w * h];
        byte[] truth = new byte[w * h];
        java.util.Arrays.fill(hu, -1000);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = x + w * y;
                double bx = (x - 60) / 55.0, by = (y - 40) / 36.0;
                if (bx * bx + by * by < 1) {
                    hu[i] = 40; // body
                }
                for (int cx : new int[] {35, 85}) {
                    double lx = (x - cx) / 18.0, ly = (y - 40) / 25.0;
                    if (lx * lx + ly * ly < 1) {
                        truth[i] = 1;
                        double dx = x - (cx == 35 ? 17 : 103), dy = y - 40;
                        // dense lesion bulging in from the lateral pleura (radius 6 px)
                        hu[i] = dx * dx + dy * dy < 36 ? 30 : -850;
                    }
                }
            }
        }
        byte[] m = seg.slice(hu, w, h, Calibration3D.of(1, 1, "mm"));
        assertTrue(dice(m, truth) > 0.98, "dice " + dice(m, truth));
        assertEquals(0, m[60 + w * 40], "mediastinum between the lungs must stay outside");
    }

    /** A phantom slice cropped to its lungs' bounding box, so that both lungs touch the image border (as in COVID-SemiSeg). */
    @Test
    void croppedSlicesWhoseLungsTouchTheBorderAreFoundAndFlagged() {
        PhantomGenerator.Params p = PhantomGenerator.Params.defaults().withSize(256).withLesionCount(6)
                .withConsolidationFraction(0.5);
        List<String> report = new ArrayList<>();
        int reliable = 0;
        for (long seed = 41; seed <= 44; seed++) {
            PhantomSlice s = new PhantomGenerator(seed).slice(p);
            int w = s.width(), x0 = w, y0 = s.height(), x1 = -1, y1 = -1;
            for (int i = 0; i < s.lung().length; i++) {
                if (s.lung()[i] != 0) {
                    x0 = Math.min(x0, i % w);
                    x1 = Math.max(x1, i % w);
                    y0 = Math.min(y0, i / w);
                    y1 = Math.max(y1, i / w);
                }
            }
            // 3 px inside the lungs' box on every side: the lungs are cut by all four borders
            x0 += 3;
            y0 += 3;
            x1 -= 3;
            y1 -= 3;
            int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
            float[] hu = new float[cw * ch];
            byte[] lung = new byte[cw * ch], inf = new byte[cw * ch];
            for (int y = 0; y < ch; y++) {
                for (int x = 0; x < cw; x++) {
                    int i = (x + x0) + w * (y + y0);
                    hu[x + cw * y] = s.hu()[i];
                    lung[x + cw * y] = s.lung()[i];
                    inf[x + cw * y] = s.infection()[i];
                }
            }
            LungSegmentation.SliceLungs found = seg.sliceChecked(hu, cw, ch, cal(p));
            double d = dice(found.mask(), lung);
            VolumeBurden b = InfectionBurden.compute(inf, null, found.mask(), cw, ch, 1, cal(p));
            SliceBurden sb = b.slices().get(0);
            report.add(String.format(Locale.ROOT, "seed %d %dx%d: %s dice %.4f, infection outside %d of %d, burden %.2f%%",
                    seed, cw, ch, found.status(), d, sb.infectedOutsideLungPixels(), sb.infectedPixels(), sb.burdenPercent()));
            assertEquals(LungSegmentation.Status.BORDER, found.status(), report.toString());
            assertTrue(d >= 0.9, report.toString());
            assertFalse(Double.isNaN(sb.burdenPercent()), report.toString());
            // a consolidation cut by the border next to the mediastinum may stay outside: then the table says so
            String state = org.infnet.command.InfectionTable.state(sb, found.status());
            assertEquals(sb.lungMaskReliable() ? "cut by image border" : "unreliable", state.replaceAll(":.*", ""),
                    report.toString());
            reliable += sb.lungMaskReliable() ? 1 : 0;
            // the uncropped slice is found as before, not as cropped
            assertEquals(LungSegmentation.Status.OK, seg.sliceChecked(s.hu(), s.width(), s.height(), cal(p)).status());
        }
        System.out.println("[lung] cropped: " + String.join("; ", report));
        assertTrue(reliable >= 3, "most cropped slices keep their infection inside the lung mask: " + report);
    }

    /**
     * COVID-SemiSeg's doctor-labelled slices 50, 52, 54 and 57 are cropped so that the lungs touch the border: the
     * burden is never NaN, and infection outside the lung mask is never silent (less than a fifth of it outside, or
     * the mask is flagged unreliable).
     */
    @Test
    void covidSemiSegCroppedSlicesNeverGiveNaNOrSilentlyMissInfection() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("infnet.semiseg", "../shared/covid-semiseg"))
                .resolve("TrainingSet/LungInfection-Train/Doctor-label");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(dir), "no COVID-SemiSeg data at " + dir);
        List<String> report = new ArrayList<>();
        int found = 0;
        for (int n : new int[] {50, 52, 54, 57}) {
            ij.ImagePlus img = ij.IJ.openImage(dir.resolve("Imgs/" + n + ".jpg").toString());
            ij.ImagePlus gt = ij.IJ.openImage(dir.resolve("GT/" + n + ".png").toString());
            int w = img.getWidth(), h = img.getHeight();
            byte[] g = (byte[]) img.getProcessor().convertToByte(false).getPixels();
            byte[] t = (byte[]) gt.getProcessor().convertToByte(false).resize(w, h).getPixels();
            byte[] inf = new byte[t.length];
            for (int i = 0; i < t.length; i++) {
                inf[i] = (byte) ((t[i] & 0xff) > 127 ? 1 : 0);
            }
            LungSegmentation.VolumeLungs lungs = seg.segmentChecked(ArrayImgs.unsignedBytes(g, w, h),
                    Calibration3D.UNCALIBRATED, HuWindow.LUNG);
            SliceBurden b = InfectionBurden.compute(inf, null, lungs.mask(), w, h, 1, Calibration3D.UNCALIBRATED).slices().get(0);
            String state = org.infnet.command.InfectionTable.state(b, lungs.status().get(0));
            report.add(String.format(Locale.ROOT, "%d: %s lung %d px, infected %d (%d outside), burden %.1f%%, table '%s'",
                    n, lungs.status().get(0), b.lungPixels(), b.infectedPixels(), b.infectedOutsideLungPixels(),
                    b.burdenPercent(), state));
            assertFalse(Double.isNaN(b.burdenPercent()), report.toString());
            assertTrue(b.burdenPercent() >= 0 && b.burdenPercent() <= 100, report.toString());
            assertTrue(b.lungMaskReliable() || state.startsWith("unreliable") || state.startsWith("none"), report.toString());
            found += b.lungMaskReliable() ? 1 : 0;
        }
        System.out.println("[lung] COVID-SemiSeg cropped: " + String.join("; ", report));
        assertTrue(found >= 2, "slices 50 and 57 (lungs cut by the border) must now be found: " + report);
    }

    private static int count(byte[] m) {
        int c = 0;
        for (byte b : m) {
            c += b;
        }
        return c;
    }
}
