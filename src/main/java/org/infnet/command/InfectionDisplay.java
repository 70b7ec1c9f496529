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
import org.infnet.io.Calibration3D;
import org.infnet.io.ImageConversions;
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
     */
    public static void show(ImagePlus imp, InfectionSegmenter.Result r, byte[] lung, Calibration3D cal, Choices c,
            LogService log) {
        if (imp != null && (c.overlay() || c.rois())) {
            List<Roi> found = rois(r.mask(), "");
            if (c.overlay()) {
                overlay(imp, found, RED);
                if (lung != null) {
                    outline(imp, rois(ArrayImgs.unsignedBytes(lung, r.mask().dimensionsAsLongArray()), "lung-"), CYAN);
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
            InfectionTable.append(rt, imp == null ? "image" : imp.getTitle(), b, lung != null);
            if (hasDisplay()) {
                rt.show("Results");
            }
        }
    }

    /** Adds the outlines (no fill) of the ROIs to {@code target}'s overlay. */
    public static void outline(ImagePlus target, List<Roi> rois, Color color) {
        Overlay ov = target.getOverlay() == null ? new Overlay() : target.getOverlay();
        for (Roi r : rois) {
            Roi o = (Roi) r.clone();
            o.setStrokeColor(color);
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
            ov.add(f);
            Roi o = (Roi) r.clone();
            o.setStrokeColor(color);
            o.setStrokeWidth(1);
            ov.add(o);
        }
        target.setOverlay(ov);
    }

    /**
     * Adds the ROIs to the ROI Manager when there is a display; returns false (and does nothing) without one,
     * since ImageJ 1.x's ROI Manager is a window.
     */
    public static boolean toRoiManager(ImagePlus target, List<Roi> rois) {
        if (!hasDisplay()) {
            return false;
        }
        RoiManager rm = RoiManager.getRoiManager();
        for (Roi r : rois) {
            rm.add(target, (Roi) r.clone(), -1);
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
