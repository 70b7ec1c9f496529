package org.infnet.phantom;

import org.infnet.image.HuWindow;

/**
 * One synthetic axial chest CT slice with its ground truth.
 *
 * <p>Contract: all arrays have length {@code width*height}, row-major ({@code x + width*y}).
 * {@code hu} is in Hounsfield units; {@code infection} is 0/1 (union of all lesions);
 * {@code classes} is 0 background, 1 ground-glass opacity, 2 consolidation (non-zero exactly
 * where {@code infection == 1}); {@code lung} is 0/1 and contains every infected pixel.
 * Arrays are shared, not copied; treat them as read-only.
 *
 * @param width     width in pixels
 * @param height    height in pixels
 * @param hu        CT values in HU
 * @param infection binary infection mask (0/1)
 * @param classes   multi-class label (0 bg, 1 GGO, 2 consolidation)
 * @param lung      binary lung mask (0/1)
 */
public record PhantomSlice(int width, int height, float[] hu, byte[] infection, byte[] classes, byte[] lung) {

    /** Label value for ground-glass opacity in {@link #classes()}. */
    public static final byte GGO = 1;
    /** Label value for consolidation in {@link #classes()}. */
    public static final byte CONSOLIDATION = 2;

    /** Validates array lengths. */
    public PhantomSlice {
        int n = width * height;
        if (width < 1 || height < 1 || hu.length != n || infection.length != n || classes.length != n || lung.length != n) {
            throw new IllegalArgumentException("Arrays must have length " + width + "*" + height);
        }
    }

    /** The slice rendered with {@link HuWindow#LUNG} as 8-bit display values (Inf-Net {@code Imgs/}). */
    public byte[] lungWindow8() {
        return HuWindow.LUNG.toBytes(hu);
    }

    /** The slice rendered with any HU window as 8-bit display values. */
    public byte[] window8(HuWindow window) {
        return window.toBytes(hu);
    }

    /** The infection mask as 0/255 bytes (Inf-Net {@code GT/}). */
    public byte[] infection255() {
        byte[] b = new byte[infection.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = infection[i] != 0 ? (byte) 255 : 0;
        }
        return b;
    }

    /** The infection mask as floats 0/1. */
    public float[] infection01() {
        float[] f = new float[infection.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = infection[i] != 0 ? 1f : 0f;
        }
        return f;
    }

    /** Number of infected pixels. */
    public int infectedPixels() {
        int c = 0;
        for (byte b : infection) {
            c += b != 0 ? 1 : 0;
        }
        return c;
    }

    /**
     * Bounding box {@code {x0, y0, width, height}} of the lung mask grown by {@code margin} pixels on every side
     * and clipped to the image; the whole image when there is no lung pixel.
     */
    public int[] lungBounds(int margin) {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (lung[y * width + x] != 0) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (x1 < 0) {
            return new int[] {0, 0, width, height};
        }
        x0 = Math.max(0, x0 - margin);
        y0 = Math.max(0, y0 - margin);
        x1 = Math.min(width - 1, x1 + margin);
        y1 = Math.min(height - 1, y1 + margin);
        return new int[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    }

    /** The rectangle {@code [x0, x0+w) x [y0, y0+h)} of this slice (must lie inside it), arrays copied. */
    public PhantomSlice crop(int x0, int y0, int w, int h) {
        if (x0 < 0 || y0 < 0 || w < 1 || h < 1 || x0 + w > width || y0 + h > height) {
            throw new IllegalArgumentException("crop " + x0 + "," + y0 + " " + w + "x" + h + " outside " + width + "x" + height);
        }
        float[] ch = new float[w * h];
        byte[] ci = new byte[w * h], cc = new byte[w * h], cl = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int from = (y0 + y) * width + x0;
            System.arraycopy(hu, from, ch, y * w, w);
            System.arraycopy(infection, from, ci, y * w, w);
            System.arraycopy(classes, from, cc, y * w, w);
            System.arraycopy(lung, from, cl, y * w, w);
        }
        return new PhantomSlice(w, h, ch, ci, cc, cl);
    }

    /**
     * This slice with rows and columns swapped (pixel (x, y) moves to (y, x)): a radiological slice becomes
     * anterior-left, spine-right, as the COVID-SemiSeg doctor-labelled JPEGs are stored. Arrays copied.
     */
    public PhantomSlice transposed() {
        float[] th = new float[hu.length];
        byte[] ti = new byte[hu.length], tc = new byte[hu.length], tl = new byte[hu.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int from = y * width + x, to = x * height + y;
                th[to] = hu[from];
                ti[to] = infection[from];
                tc[to] = classes[from];
                tl[to] = lung[from];
            }
        }
        return new PhantomSlice(height, width, th, ti, tc, tl);
    }
}
