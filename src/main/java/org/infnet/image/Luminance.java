package org.infnet.image;

/**
 * The one definition of gray from colour in the project: ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B}
 * (independent of ImageJ's "weighted RGB conversions" setting), in double precision; callers round or narrow.
 */
public final class Luminance {

    /** Rec.601 weights. */
    public static final double R = 0.299, G = 0.587, B = 0.114;

    private Luminance() {}

    /** Luma of 8-bit components. */
    public static double of(int r, int g, int b) {
        return R * r + G * g + B * b;
    }

    /** Luma of a packed {@code 0xRRGGBB} pixel (the alpha byte is ignored). */
    public static double ofRgb(int c) {
        return of((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
    }
}
