package org.infnet.infer;

/**
 * One gray slice already mapped to [0,1] (windowed), at its own size.
 *
 * @param pixels row-major values in [0,1], {@code width * height} of them
 * @param width width in pixels
 * @param height height in pixels
 */
public record UnitSlice(float[] pixels, int width, int height) {
    /** Checks the size. */
    public UnitSlice {
        if (width < 1 || height < 1 || pixels.length != (long) width * height) {
            throw new IllegalArgumentException("slice of " + width + "x" + height + " needs " + (long) width * height
                    + " values, got " + pixels.length);
        }
    }
}
