package org.infnet.eval.io;

/**
 * A single-channel image as row-major floats (index {@code y * width + x}), in the file's own value
 * scale (0..255 for 8-bit and RGB luminance, 0..65535 for 16-bit, raw for 32-bit).
 *
 * @param pixels row-major values
 * @param width  width in pixels
 * @param height height in pixels
 * @param slices number of slices in the file (only the first is held here)
 */
public record GrayImage(float[] pixels, int width, int height, int slices) {

    public GrayImage {
        if (width <= 0 || height <= 0 || (long) width * height != pixels.length) {
            throw new IllegalArgumentException(
                    "size " + width + "x" + height + " does not match " + pixels.length + " pixels");
        }
    }

    /** A single-slice image. */
    public GrayImage(float[] pixels, int width, int height) {
        this(pixels, width, height, 1);
    }
}
