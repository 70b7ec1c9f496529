package org.infnet.analysis;

import java.util.Arrays;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import org.infnet.image.Calibration3D;
import org.infnet.image.HuWindow;
import org.infnet.image.ImageConversions;

/**
 * Classical (non-learned) lung mask of axial chest CT slices.
 *
 * <p>Per axial slice:
 * <ol>
 * <li>threshold: air-like pixels are those below {@link Config#thresholdHu()} (default -320 HU;
 * NaN counts as air);</li>
 * <li>air 8-connected to the slice border (outside the body) is removed;</li>
 * <li>the remaining air is closed with a small disk ({@link Config#bridgeRadiusMm()}) so that
 * fragments of one lung separated by vessels or thin lesions become one component;</li>
 * <li>8-connected components whose median is below {@link Config#airwayHu()} (pure air: trachea,
 * main bronchi, bowel gas; lung parenchyma is denser) are discarded;</li>
 * <li>of the remaining components, those of at least {@link Config#minLungAreaMm2()} are
 * candidates; the largest is kept, and the second largest too if it has at least
 * {@link Config#secondLungMinFraction()} of the largest's area;</li>
 * <li>other lung-like fragments within {@link Config#closingRadiusMm()} of a kept lung (cut off by
 * a band of lesion) join the nearest lung;</li>
 * <li>each kept lung is closed with a Euclidean disk of {@link Config#closingRadiusMm()} (separately,
 * so the two lungs are never bridged) and its holes are filled, so that vessels and lesions
 * inside the lung — including dense consolidations bulging in from the pleura — belong to the
 * lung mask.</li>
 * </ol>
 * Slices whose lungs touch the image border (cropped slices) are handled by {@link #sliceChecked}, which says so.
 * Slices without a lung give an empty mask. The result is 0/1, index {@code x + width*(y + height*z)}.
 *
 * <p>Input values are HU (16-bit or float images). An 8-bit image is taken as a lung-window display
 * image (the project's {@link HuWindow} rule) and mapped back to HU with the window; with
 * {@link HuWindow#LUNG} the -320 HU threshold is grey level 175.1.
 *
 * <p>Millimetre parameters use the calibration's pixel size; for an uncalibrated image (unit not a
 * length) the pixel size is assumed to be {@link Config#assumedFieldOfViewMm()} / width.
 * Instances are immutable and thread-safe.
 */
public final class LungSegmentation {

    /**
     * Parameters.
     *
     * @param thresholdHu           air/tissue threshold in HU
     * @param airwayHu              components whose median is below this (pure air: trachea, bronchi,
     *                              bowel gas) are not lung, HU
     * @param minLungAreaMm2        minimum area of a lung cross-section (smaller air pockets are ignored), mm^2
     * @param secondLungMinFraction the second component is kept if its area is at least this fraction of the largest
     * @param bridgeRadiusMm        radius of the small closing that joins fragments of a lung before
     *                              component selection, mm (0 = none)
     * @param closingRadiusMm       radius of the closing disk applied to each lung, mm (0 = no closing)
     * @param assumedFieldOfViewMm  field of view assumed across the image width when uncalibrated, mm
     */
    public record Config(double thresholdHu, double airwayHu, double minLungAreaMm2, double secondLungMinFraction,
            double bridgeRadiusMm, double closingRadiusMm, double assumedFieldOfViewMm) {

        /** -320 HU, airway -950 HU, 150 mm^2, 0.15, 2 mm bridge, 20 mm closing, 350 mm field of view. */
        public static final Config DEFAULT = new Config(-320, -950, 150, 0.15, 2, 20, 350);

        /** Validates the ranges. */
        public Config {
            if (!Double.isFinite(thresholdHu) || !Double.isFinite(airwayHu) || !(minLungAreaMm2 >= 0) || !(secondLungMinFraction >= 0)
                    || secondLungMinFraction > 1 || !(closingRadiusMm >= 0) || !(bridgeRadiusMm >= 0)
                    || Double.isInfinite(bridgeRadiusMm) || !(assumedFieldOfViewMm > 0)
                    || Double.isInfinite(closingRadiusMm) || Double.isInfinite(assumedFieldOfViewMm)) {
                throw new IllegalArgumentException("Invalid lung segmentation config " + this);
            }
        }
    }

    private final Config config;

    /** Segmentation with {@link Config#DEFAULT}. */
    public LungSegmentation() {
        this(Config.DEFAULT);
    }

    /** Segmentation with {@code config}. */
    public LungSegmentation(Config config) {
        this.config = config;
    }

    /** The configuration. */
    public Config config() {
        return config;
    }

    /**
     * Lung mask of one HU slice.
     *
     * @param hu  values in HU, index {@code x + width*y}
     * @param cal calibration (pixel width/height used; may be uncalibrated)
     * @return 0/1 mask
     */
    public byte[] slice(float[] hu, int width, int height, Calibration3D cal) {
        return sliceChecked(hu, width, height, cal).mask();
    }

    /** How a slice's lung mask was found. */
    public enum Status {
        /** Lungs found inside the body, as in a full field-of-view slice. */
        OK,
        /**
         * The lungs touch the image border (a cropped slice): air connected to the border was kept as lung where it
         * forms large components; the mask holds the visible part of the lungs only.
         */
        BORDER,
        /** No lung found. */
        NONE
    }

    /** A slice's lung mask (0/1) and how it was found. */
    public record SliceLungs(byte[] mask, Status status, long pixels) {}

    /**
     * Lung mask of one HU slice with its {@link Status}. First as described in the class comment; when that finds
     * less lung than {@link #CROPPED_MIN_FRACTION} of the slice, the slice is taken as cropped (lungs touching the
     * border): air connected to the border is then not removed as outside the body, except components that run
     * along more than half of the image's perimeter (the air around a body), and large components
     * ({@link #CROPPED_MIN_FRACTION} of the slice or more) count as lung whatever their median (a cropped display
     * image's lung window is unknown). The second mask is used if it is larger ({@link Status#BORDER}).
     */
    public SliceLungs sliceChecked(float[] hu, int width, int height, Calibration3D cal) {
        if (hu.length != width * height) {
            throw new IllegalArgumentException("slice array does not match " + width + "x" + height);
        }
        byte[] inside = slice(hu, width, height, cal, false);
        long n = count(inside);
        if (n >= CROPPED_MIN_FRACTION * hu.length) {
            return new SliceLungs(inside, Status.OK, n);
        }
        byte[] cropped = slice(hu, width, height, cal, true);
        long c = count(cropped);
        if (c > n) {
            return new SliceLungs(cropped, Status.BORDER, c);
        }
        return new SliceLungs(inside, n > 0 ? Status.OK : Status.NONE, n);
    }

    /** Fraction of a slice below which the first lung mask is taken as missing border-touching lungs. */
    public static final double CROPPED_MIN_FRACTION = 0.04;

    private static long count(byte[] m) {
        long n = 0;
        for (byte b : m) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }

    private byte[] slice(float[] hu, int width, int height, Calibration3D cal, boolean cropped) {
        double px = pixelSizeMm(cal, width);
        byte[] air = new byte[hu.length];
        float t = (float) config.thresholdHu();
        for (int i = 0; i < hu.length; i++) {
            float v = hu[i];
            air[i] = (byte) (Float.isNaN(v) || v < t ? 1 : 0);
        }
        byte[] outside = cropped ? aroundTheBody(air, width, height)
                : BinaryMorphology.connectedToBorder(air, width, height, true);
        for (int i = 0; i < air.length; i++) {
            if (outside[i] != 0) {
                air[i] = 0;
            }
        }
        if (config.bridgeRadiusMm() > 0) {
            air = BinaryMorphology.close(air, width, height, config.bridgeRadiusMm() / px);
        }
        int[] labels = new int[air.length];
        int[] sizes = BinaryMorphology.label(air, width, height, labels);
        int minPx = Math.max(1, (int) Math.ceil(config.minLungAreaMm2() / (px * px)));
        int[] airway = new int[sizes.length];
        float airT = (float) config.airwayHu();
        for (int i = 0; i < hu.length; i++) {
            if (labels[i] != 0 && (Float.isNaN(hu[i]) || hu[i] < airT)) {
                airway[labels[i]]++;
            }
        }
        boolean[] lungLike = new boolean[sizes.length];
        int first = 0, second = 0;
        for (int l = 1; l < sizes.length; l++) {
            // median above the airway threshold; in a cropped slice any large component (lung window unknown)
            lungLike[l] = 2L * airway[l] < sizes[l] || cropped && sizes[l] >= CROPPED_MIN_FRACTION * hu.length;
            if (!lungLike[l] || sizes[l] < minPx) {
                continue;
            }
            if (first == 0 || sizes[l] > sizes[first]) {
                second = first;
                first = l;
            } else if (second == 0 || sizes[l] > sizes[second]) {
                second = l;
            }
        }
        byte[] out = new byte[air.length];
        if (first == 0) {
            return out;
        }
        if (second != 0 && sizes[second] < config.secondLungMinFraction() * sizes[first]) {
            second = 0;
        }
        double r = config.closingRadiusMm() / px;
        mergeFragments(labels, sizes.length, lungLike, first, second, width, height, r);
        addLung(out, labels, first, width, height, r);
        if (second != 0) {
            addLung(out, labels, second, width, height, r);
        }
        return out;
    }

    /**
     * Air components that run along more than half of the image perimeter (the air around a body in a field of
     * view wider than the body); 1 = outside.
     */
    private static byte[] aroundTheBody(byte[] air, int w, int h) {
        int[] labels = new int[air.length];
        int[] sizes = BinaryMorphology.label(air, w, h, labels);
        int[] onBorder = new int[sizes.length];
        for (int x = 0; x < w; x++) {
            onBorder[labels[x]]++;
            onBorder[labels[x + w * (h - 1)]]++;
        }
        for (int y = 1; y < h - 1; y++) {
            onBorder[labels[w * y]]++;
            onBorder[labels[w - 1 + w * y]]++;
        }
        int perimeter = 2 * w + 2 * Math.max(0, h - 2);
        byte[] out = new byte[air.length];
        for (int i = 0; i < air.length; i++) {
            int l = labels[i];
            if (l != 0 && 2 * onBorder[l] > perimeter) {
                out[i] = 1;
            }
        }
        return out;
    }

    /**
     * Relabels every other lung-like component lying within {@code r} pixels of a kept lung as
     * part of the nearest one (fragments cut off by a lesion band or vessels).
     */
    private static void mergeFragments(int[] labels, int nLabels, boolean[] lungLike, int first, int second,
            int w, int h, double r) {
        float[] d1 = distanceToLabel(labels, first, w, h);
        float[] d2 = second != 0 ? distanceToLabel(labels, second, w, h) : null;
        float[] min1 = new float[nLabels], min2 = new float[nLabels];
        java.util.Arrays.fill(min1, Float.MAX_VALUE);
        java.util.Arrays.fill(min2, Float.MAX_VALUE);
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l != 0 && l != first && l != second && lungLike[l]) {
                min1[l] = Math.min(min1[l], d1[i]);
                if (d2 != null) {
                    min2[l] = Math.min(min2[l], d2[i]);
                }
            }
        }
        int[] target = new int[nLabels];
        double r2 = r * r;
        for (int l = 1; l < nLabels; l++) {
            if (Math.min(min1[l], min2[l]) <= r2) {
                target[l] = min1[l] <= min2[l] ? first : second;
            }
        }
        for (int i = 0; i < labels.length; i++) {
            int t = target[labels[i]];
            if (t != 0) {
                labels[i] = t;
            }
        }
    }

    private static float[] distanceToLabel(int[] labels, int label, int w, int h) {
        byte[] m = new byte[labels.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (labels[i] == label ? 1 : 0);
        }
        return BinaryMorphology.squaredDistanceTo(m, w, h);
    }

    /** Closes and fills one labelled component inside its (padded) bounding box and ORs it into {@code out}. */
    private static void addLung(byte[] out, int[] labels, int label, int w, int h, double r) {
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == label) {
                int x = i % w, y = i / w;
                x0 = Math.min(x0, x);
                x1 = Math.max(x1, x);
                y0 = Math.min(y0, y);
                y1 = Math.max(y1, y);
            }
        }
        int pad = (int) Math.ceil(r) + 2;
        x0 = Math.max(0, x0 - pad);
        y0 = Math.max(0, y0 - pad);
        x1 = Math.min(w - 1, x1 + pad);
        y1 = Math.min(h - 1, y1 + pad);
        int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
        byte[] box = new byte[bw * bh];
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                box[x + bw * y] = (byte) (labels[(x + x0) + w * (y + y0)] == label ? 1 : 0);
            }
        }
        byte[] closed = BinaryMorphology.fillHoles(BinaryMorphology.close(box, bw, bh, r), bw, bh);
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                if (closed[x + bw * y] != 0) {
                    out[(x + x0) + w * (y + y0)] = 1;
                }
            }
        }
    }

    /**
     * Lung masks of a stack of axial HU slices, slice by slice.
     *
     * @param hu  values, index {@code x + width*(y + height*z)}
     * @return 0/1 mask of the same layout
     */
    public byte[] volume(float[] hu, int width, int height, int depth, Calibration3D cal) {
        return volumeChecked(hu, width, height, depth, cal).mask();
    }

    /** Lung masks of a stack with each slice's {@link Status}. */
    public record VolumeLungs(byte[] mask, java.util.List<Status> status) {
        /** Copies the status list. */
        public VolumeLungs {
            status = java.util.List.copyOf(status);
        }
    }

    /** As {@link #volume}, with each slice's {@link Status}. */
    public VolumeLungs volumeChecked(float[] hu, int width, int height, int depth, Calibration3D cal) {
        int n = width * height;
        if (hu.length != (long) n * depth) {
            throw new IllegalArgumentException("volume array does not match " + width + "x" + height + "x" + depth);
        }
        byte[] out = new byte[hu.length];
        java.util.List<Status> status = new java.util.ArrayList<>(depth);
        for (int z = 0; z < depth; z++) {
            SliceLungs m = sliceChecked(Arrays.copyOfRange(hu, z * n, (z + 1) * n), width, height, cal);
            System.arraycopy(m.mask(), 0, out, z * n, n);
            status.add(m.status());
        }
        return new VolumeLungs(out, status);
    }

    /** As {@link #segment}, with each slice's {@link Status}. */
    public VolumeLungs segmentChecked(RandomAccessibleInterval<? extends RealType<?>> img, Calibration3D cal,
            HuWindow window) {
        int nd = img.numDimensions();
        if (nd != 2 && nd != 3) {
            throw new IllegalArgumentException("expected a 2D or 3D image, got " + nd + "D");
        }
        float[] v = ImageConversions.toFloatArray(img);
        if (img.getType() instanceof UnsignedByteType) {
            v = huFromDisplay(v, window);
        }
        int w = Math.toIntExact(img.dimension(0)), h = Math.toIntExact(img.dimension(1));
        int d = nd == 3 ? Math.toIntExact(img.dimension(2)) : 1;
        return volumeChecked(v, w, h, d, cal);
    }

    /**
     * Lung masks of a 2D slice or 3D stack: UnsignedByteType is a display image windowed with
     * {@code window} (converted back to HU), any other type is HU.
     */
    public byte[] segment(RandomAccessibleInterval<? extends RealType<?>> img, Calibration3D cal, HuWindow window) {
        return segmentChecked(img, cal, window).mask();
    }

    /** Lung mask of an 8-bit display slice rendered with {@code window} ({@code (b & 0xff)} grey levels). */
    public byte[] slice8(byte[] display, int width, int height, HuWindow window, Calibration3D cal) {
        float[] g = new float[display.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = display[i] & 0xff;
        }
        return slice(huFromDisplay(g, window), width, height, cal);
    }

    /** Grey level 0..255 of a display window mapped back to HU: {@code lower + g/255 * width}. */
    static float[] huFromDisplay(float[] grey, HuWindow window) {
        float[] hu = new float[grey.length];
        for (int i = 0; i < hu.length; i++) {
            hu[i] = (float) (window.lower() + grey[i] / 255.0 * window.width());
        }
        return hu;
    }

    /** In-plane pixel size in mm (mean of width and height), or the assumed one if uncalibrated. */
    double pixelSizeMm(Calibration3D cal, int width) {
        if (cal != null && cal.isPhysical()) {
            Calibration3D mm = cal.toMillimetres();
            return 0.5 * (mm.pixelWidth() + mm.pixelHeight());
        }
        return config.assumedFieldOfViewMm() / width;
    }
}
