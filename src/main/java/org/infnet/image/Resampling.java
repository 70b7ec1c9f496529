package org.infnet.image;

/**
 * Resizing of 2D float images stored row-major ({@code index = x + width*y}).
 *
 * <p>{@link #bilinear} reproduces PyTorch {@code F.interpolate(mode="bilinear",
 * align_corners=False)}, which Inf-Net uses to bring its output maps back to the input size.
 * (Note: Inf-Net's data loaders resize <em>inputs</em> with torchvision {@code Resize} on PIL
 * images, whose bilinear filter antialiases when shrinking; this class does not.) For each output
 * coordinate {@code src = (dst + 0.5) * in / out - 0.5}, clamped to &gt;= 0; the left neighbour
 * is {@code floor(src)}, the right neighbour is {@code min(left + 1, in - 1)}. It is separable
 * (horizontal pass, then vertical pass) and allocation-light. No antialiasing is applied when
 * downsampling (same as PyTorch with {@code antialias=False}).
 *
 * <p>{@link #nearest} reproduces PyTorch {@code mode="nearest"}:
 * {@code src = min(floor(dst * in / out), in - 1)}; it never invents new label values, so it is
 * the right choice for label images.
 *
 * <p>All methods return new arrays and never modify the input.
 */
public final class Resampling {

    private Resampling() {
    }

    /** Bilinear resize (align_corners=False) of a {@code w x h} image to {@code w2 x h2}. */
    public static float[] bilinear(float[] src, int w, int h, int w2, int h2) {
        check(src.length, w, h, w2, h2);
        if (w == w2 && h == h2) {
            return src.clone();
        }
        int[] x0 = new int[w2], x1 = new int[w2];
        float[] lx = new float[w2];
        axis(w, w2, x0, x1, lx);
        int[] y0 = new int[h2], y1 = new int[h2];
        float[] ly = new float[h2];
        axis(h, h2, y0, y1, ly);

        // horizontal pass: h rows of width w2
        float[] tmp = new float[h * w2];
        for (int y = 0; y < h; y++) {
            int row = y * w, orow = y * w2;
            for (int x = 0; x < w2; x++) {
                float a = src[row + x0[x]], b = src[row + x1[x]];
                tmp[orow + x] = a + lx[x] * (b - a);
            }
        }
        // vertical pass
        float[] out = new float[h2 * w2];
        for (int y = 0; y < h2; y++) {
            int ra = y0[y] * w2, rb = y1[y] * w2, orow = y * w2;
            float l = ly[y];
            for (int x = 0; x < w2; x++) {
                float a = tmp[ra + x], b = tmp[rb + x];
                out[orow + x] = a + l * (b - a);
            }
        }
        return out;
    }

    /**
     * Source index pairs and weights along one axis, PyTorch align_corners=False.
     * Package-private for testing.
     */
    static void axis(int in, int out, int[] i0, int[] i1, float[] lambda) {
        double scale = (double) in / out;
        for (int d = 0; d < out; d++) {
            double s = (d + 0.5) * scale - 0.5;
            if (s < 0) {
                s = 0;
            }
            int a = (int) s;
            if (a > in - 1) {
                a = in - 1;
            }
            i0[d] = a;
            i1[d] = a < in - 1 ? a + 1 : a;
            lambda[d] = (float) (s - a);
            if (i1[d] == a) {
                lambda[d] = 0f;
            }
        }
    }

    /** Nearest-neighbour resize (PyTorch "nearest") of a float image. */
    public static float[] nearest(float[] src, int w, int h, int w2, int h2) {
        check(src.length, w, h, w2, h2);
        int[] xs = nearestAxis(w, w2), ys = nearestAxis(h, h2);
        float[] out = new float[w2 * h2];
        for (int y = 0; y < h2; y++) {
            int row = ys[y] * w, orow = y * w2;
            for (int x = 0; x < w2; x++) {
                out[orow + x] = src[row + xs[x]];
            }
        }
        return out;
    }

    /** Nearest-neighbour resize (PyTorch "nearest") of a byte (label) image. */
    public static byte[] nearest(byte[] src, int w, int h, int w2, int h2) {
        check(src.length, w, h, w2, h2);
        int[] xs = nearestAxis(w, w2), ys = nearestAxis(h, h2);
        byte[] out = new byte[w2 * h2];
        for (int y = 0; y < h2; y++) {
            int row = ys[y] * w, orow = y * w2;
            for (int x = 0; x < w2; x++) {
                out[orow + x] = src[row + xs[x]];
            }
        }
        return out;
    }

    private static int[] nearestAxis(int in, int out) {
        int[] idx = new int[out];
        double scale = (double) in / out;
        for (int d = 0; d < out; d++) {
            idx[d] = Math.min((int) Math.floor(d * scale), in - 1);
        }
        return idx;
    }

    private static void check(int len, int w, int h, int w2, int h2) {
        if (w < 1 || h < 1 || w2 < 1 || h2 < 1) {
            throw new IllegalArgumentException("Sizes must be >= 1: " + w + "x" + h + " -> " + w2 + "x" + h2);
        }
        if ((long) w * h != len) {
            throw new IllegalArgumentException("Array length " + len + " does not match " + w + "x" + h);
        }
        if ((long) w2 * h2 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Output too large: " + w2 + "x" + h2);
        }
    }
}
