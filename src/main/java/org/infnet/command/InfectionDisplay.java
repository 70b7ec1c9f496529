package org.infnet.command;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.filter.ThresholdToSelection;
import ij.plugin.frame.RoiManager;
import ij.process.ByteProcessor;
import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.List;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import ij.measure.ResultsTable;
import net.imglib2.img.array.ArrayImgs;
import org.infnet.analysis.InfectionBurden;
import org.infnet.analysis.VolumeBurden;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.image.Calibration3D;
import org.infnet.image.ImageConversions;
import org.scijava.log.LogService;

/**
 * Shows segmentation results on ImageJ 1.x images: mask outlines as ROIs (named by slice), a translucent
 * overlay (fill + outline) on the CT, and the ROI Manager. Used by the commands only; the core knows nothing
 * of ImageJ 1.x's GUI classes.
 */
public final class InfectionDisplay {

    /** Infection (and GGO) colour of the paper's figures. */
    public static final Color RED = new Color(255, 0, 0);
    /** Consolidation colour of the paper's figures. */
    public static final Color GREEN = new Color(0, 255, 0);

    /** Lung outline colour. */
    public static final Color CYAN = new Color(0, 200, 255);

    /** Which results to show. */
    public record Choices(boolean overlay, boolean rois, boolean results) {}

    private InfectionDisplay() {}

    /**
     * Shows a segmentation: infection overlay (and lung outlines when {@code lung} is given) on {@code imp},
     * ROIs in the ROI Manager (in the overlay without a display), and rows in the system results table
     * (shown when there is a display; macros read it with {@code nResults}/{@code getResult} or save it with
     * {@code saveAs("Results", path)}). {@code imp} may be null: then only the results table is filled.
     *
     * <p>Running again on the same image replaces what an earlier run added: its overlay items (tagged with the
     * {@value #TAG} property) and its ROIs in the ROI Manager (named {@code TITLE:slice-NNNN} and
     * {@code TITLE:lung-slice-NNNN}); the user's own overlay items and ROIs stay. In batch mode the ROIs go to the
     * macro's ROI Manager ({@code roiManager("count")}). Lung masks found unreliable (or cut by the image border)
     * are named in one log line ({@link InfectionTable#warning}).
     *
     * @param lungStatus each slice's lung mask state, or null without lungs
     */
    public static void show(ImagePlus imp, InfectionSegmenter.Result r, byte[] lung,
            List<org.infnet.analysis.LungSegmentation.Status> lungStatus, Calibration3D cal, Choices c, LogService log) {
        if (imp != null && (c.overlay() || c.rois())) {
            String title = imp.getTitle();
            List<Roi> found = named(rois(r.mask(), ""), title + ":");
            removeTagged(imp);
            if (c.overlay()) {
                overlay(imp, found, RED);
                if (lung != null) {
                    outline(imp, named(rois(ArrayImgs.unsignedBytes(lung, r.mask().dimensionsAsLongArray()), "lung-"),
                            title + ":"), CYAN);
                }
            }
            if (c.rois() && !toRoiManager(imp, found)) {
                log.warn("Inf-Net: no display, so no ROI Manager; the " + found.size()
                        + " infection ROIs are in the image overlay");
                if (!c.overlay()) {
                    overlay(imp, found, RED);
                }
            }
        }
        if (c.results() || lung != null) {
            long[] d = r.mask().dimensionsAsLongArray();
            int depth = d.length > 2 ? (int) d[2] : 1;
            byte[] m = InfectionSegmenter.bytes(r.mask());
            VolumeBurden b = InfectionBurden.compute(m, InfectionSegmenter.floats(r.probability()),
                    lung == null ? new byte[m.length] : lung, (int) d[0], (int) d[1], depth, cal);
            ResultsTable rt = ResultsTable.getResultsTable();
            String title = imp == null ? "image" : imp.getTitle();
            InfectionTable.append(rt, title, b, lung == null ? null : lungStatus == null ? List.of() : lungStatus);
            if (lung != null) {
                String w = InfectionTable.warning(title, b, lungStatus == null ? List.of() : lungStatus);
                if (w != null) {
                    log.warn(w);
                    if (ij.IJ.getInstance() != null) {
                        ij.IJ.log(w); // ImageJ 1.x's Log window (SciJava's log goes to the console there)
                    }
                }
            }
            if (hasDisplay()) {
                rt.show("Results");
            }
        }
    }

    /** Property set on every overlay item an Inf-Net run adds, so that the next run can replace them. */
    public static final String TAG = "infnet";

    private static List<Roi> named(List<Roi> rois, String prefix) {
        for (Roi r : rois) {
            r.setName(prefix + r.getName());
        }
        return rois;
    }

    /** Removes the overlay items an earlier run added to {@code imp} (tagged {@link #TAG}). */
    static void removeTagged(ImagePlus imp) {
        Overlay ov = imp.getOverlay();
        if (ov == null) {
            return;
        }
        for (int i = ov.size() - 1; i >= 0; i--) {
            if (ov.get(i).getProperty(TAG) != null) {
                ov.remove(i);
            }
        }
        imp.setOverlay(ov.size() == 0 ? null : ov);
    }

    /** Adds the outlines (no fill) of the ROIs to {@code target}'s overlay. */
    public static void outline(ImagePlus target, List<Roi> rois, Color color) {
        Overlay ov = target.getOverlay() == null ? new Overlay() : target.getOverlay();
        for (Roi r : rois) {
            Roi o = (Roi) r.clone();
            o.setStrokeColor(color);
            o.setProperty(TAG, "lung");
            ov.add(o);
        }
        target.setOverlay(ov);
    }

    /**
     * One ROI per slice of {@code mask} with any foreground ({@code > 0}), named {@code slice-NNNN}
     * (1-based), with its stack position set when the mask has more than one slice.
     */
    public static List<Roi> rois(RandomAccessibleInterval<UnsignedByteType> mask, String prefix) {
        ImagePlus imp = ImageConversions.toImagePlus8(mask, "mask", Calibration3D.UNCALIBRATED);
        ImageStack st = imp.getStack();
        List<Roi> out = new ArrayList<>();
        for (int z = 1; z <= st.getSize(); z++) {
            ByteProcessor bp = (ByteProcessor) st.getProcessor(z);
            bp.setThreshold(1, 255, ByteProcessor.NO_LUT_UPDATE);
            Roi roi = ThresholdToSelection.run(new ImagePlus("", bp));
            if (roi == null) {
                continue;
            }
            roi.setName(String.format(java.util.Locale.ROOT, "%sslice-%04d", prefix, z));
            if (st.getSize() > 1) {
                roi.setPosition(z);
            }
            out.add(roi);
        }
        return out;
    }

    /** Adds a translucent fill and a solid outline of every ROI to {@code target}'s overlay. */
    public static void overlay(ImagePlus target, List<Roi> rois, Color color) {
        Overlay ov = target.getOverlay() == null ? new Overlay() : target.getOverlay();
        Color fill = new Color(color.getRed(), color.getGreen(), color.getBlue(), 77);
        for (Roi r : rois) {
            Roi f = (Roi) r.clone();
            f.setFillColor(fill);
            f.setProperty(TAG, "fill");
            ov.add(f);
            Roi o = (Roi) r.clone();
            o.setStrokeColor(color);
            o.setStrokeWidth(1);
            o.setProperty(TAG, "outline");
            ov.add(o);
        }
        target.setOverlay(ov);
    }

    /**
     * Adds the ROIs to the ROI Manager (the macro's hidden one in batch mode) after removing those of an earlier
     * run with the same names; returns false (and does nothing) without a display, since ImageJ 1.x's ROI Manager
     * is a window.
     */
    public static boolean toRoiManager(ImagePlus target, List<Roi> rois) {
        if (!hasDisplay()) {
            return false;
        }
        RoiManager rm = ij.macro.Interpreter.isBatchMode() ? ij.macro.Interpreter.getBatchModeRoiManager() : null;
        if (rm == null) {
            rm = RoiManager.getRoiManager();
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        rois.forEach(r -> names.add(r.getName()));
        Roi[] old = rm.getRoisAsArray();
        for (int i = old.length - 1; i >= 0; i--) {
            if (names.contains(old[i].getName())) {
                rm.select(i);
                rm.runCommand("Delete");
            }
        }
        for (Roi r : rois) {
            Roi copy = (Roi) r.clone();
            copy.setName(r.getName());
            rm.addRoi(copy);
        }
        return true;
    }

    /** True if AWT windows can be shown (not headless, and on X11 a DISPLAY is set). */
    public static boolean hasDisplay() {
        if (GraphicsEnvironment.isHeadless()) {
            return false;
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (os.contains("linux") || os.contains("bsd")) {
            String d = System.getenv("DISPLAY");
            return d != null && !d.isBlank();
        }
        return true;
    }
}
