package org.infnet.train;

import java.util.SplittableRandom;

/**
 * Random geometric and intensity augmentation of one training slice (image, mask and edge label
 * transformed together). Off in the paper's recipe; offered because a from-scratch model on a few
 * dozen doctor-labelled slices benefits from it.
 *
 * @param flip probability of a left-right flip
 * @param maxRotationDeg largest rotation, degrees (uniform in [-r, r])
 * @param maxScale largest relative zoom change (uniform in [1-s, 1+s])
 * @param intensity largest relative contrast/brightness change (uniform in [-i, i])
 */
public record Augmentation(double flip, double maxRotationDeg, double maxScale, double intensity) {

    /** No augmentation (the paper's recipe). */
    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0);

    /** Mild augmentation: flips, +-10 degrees, +-10 % zoom, +-10 % contrast and brightness. */
    public static final Augmentation MILD = new Augmentation(0.5, 10, 0.1, 0.1);

    /**
     * The preset named {@code "none"} or {@code "mild"} (any case).
     *
     * @throws IllegalArgumentException for another name
     */
    public static Augmentation preset(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "none" -> NONE;
            case "mild" -> MILD;
            default -> throw new IllegalArgumentException("augmentation must be none or mild, not '" + name + "'");
        };
    }

    /** Whether this does anything. */
    public boolean active() {
        return flip > 0 || maxRotationDeg > 0 || maxScale > 0 || intensity > 0;
    }

    /**
     * Transforms square {@code side x side} arrays in place (image in [0,1], labels in [0,1]) with
     * one random draw from {@code rnd}. Geometry is a rotation/zoom about the centre, bilinear, with
     * zero (black, background) outside the slice.
     */
    public void apply(float[] image, float[] mask, float[] edge, int side, SplittableRandom rnd) {
        boolean flipIt = rnd.nextDouble() < flip;
        double angle = Math.toRadians((rnd.nextDouble() * 2 - 1) * maxRotationDeg);
        double zoom = 1 + (rnd.nextDouble() * 2 - 1) * maxScale;
        double contrast = 1 + (rnd.nextDouble() * 2 - 1) * intensity;
        double bright = (rnd.nextDouble() * 2 - 1) * intensity * 0.5;
        if (flipIt || angle != 0 || zoom != 1) {
            warp(image, side, flipIt, angle, zoom);
            warp(mask, side, flipIt, angle, zoom);
            warp(edge, side, flipIt, angle, zoom);
        }
        if (contrast != 1 || bright != 0) {
            for (int i = 0; i < image.length; i++) {
                double v = (image[i] - 0.5) * contrast + 0.5 + bright;
                image[i] = (float) Math.min(1, Math.max(0, v));
            }
        }
    }

    private static void warp(float[] a, int n, boolean flip, double angle, double zoom) {
        float[] src = a.clone();
        double c = (n - 1) / 2.0;
        double cos = Math.cos(angle) / zoom;
        double sin = Math.sin(angle) / zoom;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double dx = (flip ? n - 1 - x : x) - c;
                double dy = y - c;
                double sx = cos * dx + sin * dy + c;
                double sy = -sin * dx + cos * dy + c;
                a[y * n + x] = sample(src, n, sx, sy);
            }
        }
    }

    private static float sample(float[] s, int n, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (float) ((1 - fy) * ((1 - fx) * at(s, n, x0, y0) + fx * at(s, n, x0 + 1, y0))
                + fy * ((1 - fx) * at(s, n, x0, y0 + 1) + fx * at(s, n, x0 + 1, y0 + 1)));
    }

    private static float at(float[] s, int n, int x, int y) {
        return x < 0 || y < 0 || x >= n || y >= n ? 0f : s[y * n + x];
    }
}
