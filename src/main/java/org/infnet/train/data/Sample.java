package org.infnet.train.data;

import org.infnet.image.Resampling;

/**
 * One training sample of the Inf-Net layout, at a given size.
 *
 * <p>Contract: {@code width, height >= 1}; the three arrays have length {@code width*height}
 * (row-major, {@code x + width*y}); {@code image01} is the gray image in [0,1], {@code mask01}
 * the (possibly soft) infection mask in [0,1], {@code edge01} the edge map in [0,1]. Arrays are
 * not copied; treat them as read-only.
 *
 * @param name   base file name without extension (e.g. {@code "12"})
 * @param width  width in pixels
 * @param height height in pixels
 * @param image01 gray image in [0,1]
 * @param mask01  infection mask in [0,1] (value/255 of the GT PNG; soft labels kept)
 * @param edge01  edge map in [0,1]
 */
public record Sample(String name, int width, int height, float[] image01, float[] mask01, float[] edge01)
        implements TrainingSample<Sample> {

    /** Validates the contract (sizes only; values are not scanned). */
    public Sample {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Sample name must not be empty");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Invalid sample size " + width + "x" + height + " for " + name);
        }
        long n = (long) width * height;
        if (image01 == null || mask01 == null || edge01 == null
                || image01.length != n || mask01.length != n || edge01.length != n) {
            throw new IllegalArgumentException("Sample " + name + ": arrays must all have length " + n);
        }
    }

    /**
     * Returns this sample resized to {@code size x size} with bilinear interpolation
     * (PyTorch align_corners=False) for image, mask and edge; aspect ratio is not preserved
     * (as in Inf-Net's training transform). Returns {@code this} if already that size.
     */
    @Override
    public Sample resizedTo(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, was " + size);
        }
        if (width == size && height == size) {
            return this;
        }
        return new Sample(name, size, size,
                Resampling.bilinear(image01, width, height, size, size),
                Resampling.bilinear(mask01, width, height, size, size),
                Resampling.bilinear(edge01, width, height, size, size));
    }
}
