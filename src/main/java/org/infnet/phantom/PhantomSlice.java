package org.infnet.phantom;

import org.infnet.io.HuWindow;

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
}
