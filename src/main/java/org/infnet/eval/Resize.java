package org.infnet.eval;

/** Bilinear resizing of row-major float maps. */
public final class Resize {

    private Resize() {
    }

    /**
     * Bilinear resize with {@code align_corners = False} (PyTorch / OpenCV convention): source
     * coordinate {@code (dst + 0.5) * in / out - 0.5}, clamped at 0 below and at the last pixel
     * above; no antialiasing. Returns the source array itself when the size is unchanged.
     */
    public static float[] bilinear(float[] src, int srcWidth, int srcHeight, int dstWidth, int dstHeight) {
        if ((long) srcWidth * srcHeight != src.length || srcWidth <= 0 || srcHeight <= 0) {
            throw new IllegalArgumentException("source size does not match its pixels");
        }
        if (dstWidth <= 0 || dstHeight <= 0) {
            throw new IllegalArgumentException("bad target size " + dstWidth + "x" + dstHeight);
        }
        if (srcWidth == dstWidth && srcHeight == dstHeight) {
            return src;
        }
        int[] x0 = new int[dstWidth];
        int[] x1 = new int[dstWidth];
        float[] fx = new float[dstWidth];
        axis(srcWidth, dstWidth, x0, x1, fx);
        int[] y0 = new int[dstHeight];
        int[] y1 = new int[dstHeight];
        float[] fy = new float[dstHeight];
        axis(srcHeight, dstHeight, y0, y1, fy);
        float[] out = new float[dstWidth * dstHeight];
        for (int y = 0; y < dstHeight; y++) {
            int r0 = y0[y] * srcWidth;
            int r1 = y1[y] * srcWidth;
            float wy = fy[y];
            int o = y * dstWidth;
            for (int x = 0; x < dstWidth; x++) {
                float wx = fx[x];
                float top = src[r0 + x0[x]] * (1 - wx) + src[r0 + x1[x]] * wx;
                float bottom = src[r1 + x0[x]] * (1 - wx) + src[r1 + x1[x]] * wx;
                out[o + x] = top * (1 - wy) + bottom * wy;
            }
        }
        return out;
    }

    private static void axis(int in, int out, int[] i0, int[] i1, float[] frac) {
        double scale = (double) in / out;
        for (int d = 0; d < out; d++) {
            double s = (d + 0.5) * scale - 0.5;
            if (s < 0) {
                s = 0;
            }
            int a = (int) Math.floor(s);
            if (a > in - 1) {
                a = in - 1;
            }
            int b = Math.min(a + 1, in - 1);
            i0[d] = a;
            i1[d] = b;
            frac[d] = (float) (s - a);
        }
    }
}
