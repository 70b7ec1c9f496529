package org.infnet.image;

/**
 * A gray-level image (2D, or 3D stack) held as one float array, as read by {@link
 * org.infnet.io.ImageFiles}.
 *
 * <p>Contract: {@code width, height, depth >= 1}, {@code pixels.length == width*height*depth},
 * index {@code x + width*(y + height*z)}. {@code bitDepth} is the bit depth of the source file
 * (8, 16, 24 for RGB converted to luminance, or 32); values are the source's calibrated values
 * (8-bit: 0..255, RGB: luminance 0..255, 16-bit: raw or calibrated (e.g. HU) values, 32-bit:
 * as stored). The array is shared, not copied: treat it as read-only.
 *
 * @param width       image width in pixels
 * @param height      image height in pixels
 * @param depth       number of Z slices (1 for 2D)
 * @param bitDepth    source bit depth: 8, 16, 24 (RGB) or 32
 * @param pixels      values, length {@code width*height*depth}
 * @param calibration spatial calibration of the source
 */
public record GrayImage(int width, int height, int depth, int bitDepth, float[] pixels, Calibration3D calibration) {

    /** Validates the contract. */
    public GrayImage {
        if (width < 1 || height < 1 || depth < 1) {
            throw new IllegalArgumentException("Invalid size " + width + "x" + height + "x" + depth);
        }
        if (pixels == null || (long) width * height * depth != pixels.length) {
            throw new IllegalArgumentException("Pixel array does not match size " + width + "x" + height + "x" + depth);
        }
        if (bitDepth != 8 && bitDepth != 16 && bitDepth != 24 && bitDepth != 32) {
            throw new IllegalArgumentException("Unsupported bit depth " + bitDepth);
        }
        if (calibration == null) {
            throw new IllegalArgumentException("calibration must not be null");
        }
    }

    /** A single-slice, uncalibrated 32-bit image of {@code pixels} ({@code width * height} values). */
    public static GrayImage of(float[] pixels, int width, int height) {
        return new GrayImage(width, height, 1, 32, pixels, Calibration3D.UNCALIBRATED);
    }

    /** The values of the first slice ({@link #pixels} itself for a 2D image). */
    public float[] firstSlice() {
        return depth == 1 ? pixels : java.util.Arrays.copyOf(pixels, width * height);
    }

    /** True if the image has a single slice. */
    public boolean is2D() {
        return depth == 1;
    }

    /**
     * Values mapped to [0,1] with the {@link HuWindow} rule: 8-bit and RGB sources are display
     * images scaled by 1/255 (clamped); 16- and 32-bit sources are taken as HU and windowed.
     */
    public float[] toUnit(HuWindow window) {
        if (bitDepth == 8 || bitDepth == 24) {
            float[] out = new float[pixels.length];
            for (int i = 0; i < out.length; i++) {
                float v = pixels[i] / 255f;
                out[i] = Float.isNaN(v) ? 0f : v < 0 ? 0f : v > 1 ? 1f : v;
            }
            return out;
        }
        return window.apply(pixels);
    }
}
