package org.infnet.analysis;

import java.util.Arrays;

/**
 * 2D binary image operations on 0/1 byte masks (index {@code x + width*y}) used by
 * {@link LungSegmentation}: exact Euclidean disk closing (via distance transforms), hole filling,
 * flood fill and connected-component labelling. Stateless and thread-safe.
 */
public final class BinaryMorphology {

    private static final float INF = 1e20f;

    private BinaryMorphology() {
    }

    /**
     * Squared Euclidean distance from each pixel to the nearest pixel with {@code mask != 0}
     * (0 on the mask; a large value if the mask is empty). Felzenszwalb-Huttenlocher, O(n).
     */
    public static float[] squaredDistanceTo(byte[] mask, int w, int h) {
        float[] f = new float[mask.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = mask[i] != 0 ? 0 : INF;
        }
        int n = Math.max(w, h);
        float[] line = new float[n], out = new float[n], z = new float[n + 1];
        int[] v = new int[n];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                line[y] = f[x + w * y];
            }
            dt1(line, h, out, v, z);
            for (int y = 0; y < h; y++) {
                f[x + w * y] = out[y];
            }
        }
        for (int y = 0; y < h; y++) {
            System.arraycopy(f, y * w, line, 0, w);
            dt1(line, w, out, v, z);
            System.arraycopy(out, 0, f, y * w, w);
        }
        return f;
    }

    private static void dt1(float[] f, int n, float[] d, int[] v, float[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = -INF;
        z[1] = INF;
        for (int q = 1; q < n; q++) {
            float s;
            while (true) {
                int p = v[k];
                s = ((f[q] + (float) q * q) - (f[p] + (float) p * p)) / (2f * (q - p));
                if (s <= z[k] && k > 0) {
                    k--;
                } else {
                    break;
                }
            }
            if (s <= z[k]) { // k == 0 and the new parabola dominates
                v[0] = q;
                z[0] = -INF;
                z[1] = INF;
                continue;
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = INF;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) {
                k++;
            }
            float dq = q - v[k];
            d[q] = dq * dq + f[v[k]];
        }
    }

    /**
     * Morphological closing with a Euclidean disk of radius {@code r} pixels (pixels within
     * distance {@code <= r}). The image is treated as surrounded by background beyond its border,
     * so shapes near the border are closed as if the canvas were larger. Result is a new mask that
     * contains {@code mask}.
     */
    public static byte[] close(byte[] mask, int w, int h, double r) {
        if (r <= 0) {
            return mask.clone();
        }
        int pad = (int) Math.ceil(r) + 1;
        int pw = w + 2 * pad, ph = h + 2 * pad;
        byte[] big = new byte[pw * ph];
        for (int y = 0; y < h; y++) {
            System.arraycopy(mask, y * w, big, (y + pad) * pw + pad, w);
        }
        double r2 = r * r;
        float[] d = squaredDistanceTo(big, pw, ph);
        byte[] inv = new byte[big.length]; // complement of the dilation
        for (int i = 0; i < d.length; i++) {
            inv[i] = d[i] <= r2 ? (byte) 0 : 1;
        }
        float[] e = squaredDistanceTo(inv, pw, ph);
        byte[] out = new byte[mask.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y + pad) * pw + x + pad;
                out[y * w + x] = (byte) (e[i] > r2 || mask[y * w + x] != 0 ? 1 : 0);
            }
        }
        return out;
    }

    /** Fills holes: background pixels not 4-connected to the image border become 1. New mask. */
    public static byte[] fillHoles(byte[] mask, int w, int h) {
        byte[] bg = new byte[mask.length];
        for (int i = 0; i < bg.length; i++) {
            bg[i] = mask[i] == 0 ? (byte) 1 : 0;
        }
        byte[] outside = connectedToBorder(bg, w, h, false);
        byte[] out = new byte[mask.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = outside[i] != 0 ? (byte) 0 : 1;
        }
        return out;
    }

    /** Pixels of {@code mask} connected (8- or 4-connectivity) to the image border. New mask. */
    public static byte[] connectedToBorder(byte[] mask, int w, int h, boolean eight) {
        byte[] seen = new byte[mask.length];
        int[] stack = new int[mask.length];
        int sp = 0;
        for (int x = 0; x < w; x++) {
            sp = push(mask, seen, stack, sp, x);
            sp = push(mask, seen, stack, sp, x + w * (h - 1));
        }
        for (int y = 0; y < h; y++) {
            sp = push(mask, seen, stack, sp, y * w);
            sp = push(mask, seen, stack, sp, y * w + w - 1);
        }
        while (sp > 0) {
            int i = stack[--sp];
            int x = i % w, y = i / w;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0)) {
                        continue;
                    }
                    int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < w && ny < h) {
                        sp = push(mask, seen, stack, sp, nx + w * ny);
                    }
                }
            }
        }
        return seen;
    }

    private static int push(byte[] mask, byte[] seen, int[] stack, int sp, int i) {
        if (mask[i] != 0 && seen[i] == 0) {
            seen[i] = 1;
            stack[sp++] = i;
        }
        return sp;
    }

    /**
     * Labels 8-connected components of {@code mask}: returns labels (0 background, 1..n) in
     * {@code labels} and the pixel count of each label in the returned array (index 0 unused).
     */
    public static int[] label(byte[] mask, int w, int h, int[] labels) {
        Arrays.fill(labels, 0);
        int[] stack = new int[mask.length];
        int[] sizes = new int[16];
        int next = 0;
        for (int s = 0; s < mask.length; s++) {
            if (mask[s] == 0 || labels[s] != 0) {
                continue;
            }
            next++;
            if (next >= sizes.length) {
                sizes = Arrays.copyOf(sizes, sizes.length * 2);
            }
            int sp = 0, count = 0;
            stack[sp++] = s;
            labels[s] = next;
            while (sp > 0) {
                int i = stack[--sp];
                count++;
                int x = i % w, y = i / w;
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = y + dy;
                    if (ny < 0 || ny >= h) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        if (nx < 0 || nx >= w) {
                            continue;
                        }
                        int j = nx + w * ny;
                        if (mask[j] != 0 && labels[j] == 0) {
                            labels[j] = next;
                            stack[sp++] = j;
                        }
                    }
                }
            }
            sizes[next] = count;
        }
        return Arrays.copyOf(sizes, next + 1);
    }
}
