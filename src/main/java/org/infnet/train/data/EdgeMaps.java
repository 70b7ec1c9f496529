package org.infnet.train.data;

/**
 * Derives Inf-Net style edge maps from (soft) masks.
 *
 * <p>Rule: {@code fg = mask >= 0.5}. A pixel is an edge pixel if it is foreground and one of its
 * 4-neighbours (inside the image) is background, or it is background and one of its 4-neighbours
 * is foreground. The result is a boundary two pixels thick (one inside, one outside), values
 * 0 or 1. This matches the {@code Edge/} PNGs shipped with the COVID-SemiSeg data set: every
 * shipped edge pixel satisfies this rule and the rule marks ~99.5% of them or more.
 */
public final class EdgeMaps {

    private EdgeMaps() {
    }

    /** Edge map (0/1 floats) of a {@code width x height} mask. */
    public static float[] fromMask(float[] mask, int width, int height) {
        if ((long) width * height != mask.length) {
            throw new IllegalArgumentException("Mask length " + mask.length + " does not match " + width + "x" + height);
        }
        boolean[] fg = new boolean[mask.length];
        for (int i = 0; i < fg.length; i++) {
            fg[i] = mask[i] >= 0.5f;
        }
        float[] edge = new float[mask.length];
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int i = row + x;
                boolean f = fg[i];
                if ((x > 0 && fg[i - 1] != f) || (x < width - 1 && fg[i + 1] != f)
                        || (y > 0 && fg[i - width] != f) || (y < height - 1 && fg[i + width] != f)) {
                    edge[i] = 1f;
                }
            }
        }
        return edge;
    }

    /** Edge map as bytes: 255 on edges, 0 elsewhere (the on-disk Inf-Net format). */
    public static byte[] fromMask255(float[] mask, int width, int height) {
        float[] e = fromMask(mask, width, height);
        byte[] b = new byte[e.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = e[i] > 0 ? (byte) 255 : 0;
        }
        return b;
    }
}
