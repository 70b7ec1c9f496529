package org.infnet.train.data;

import org.infnet.image.Resampling;

/**
 * One sample of the multi-class layout ({@code MultiClassInfection-Train}): CT slice, infection prior and
 * class labels, at a given size.
 *
 * <p>Contract: {@code width, height >= 1}; the arrays have length {@code width*height} (row-major, {@code x +
 * width*y}); {@code image01} in [0,1], {@code prior01} in [0,1] (infection probability or a 0/1 mask),
 * {@code labels} class indices {@code 0 .. classes-1} (0 background, 1 ground-glass opacity, 2
 * consolidation). Arrays are not copied; treat them as read-only.
 *
 * @param name base file name without extension
 * @param width width in pixels
 * @param height height in pixels
 * @param image01 gray slice in [0,1]
 * @param prior01 infection prior in [0,1]
 * @param labels class index per pixel
 */
public record MultiClassSample(String name, int width, int height, float[] image01, float[] prior01, byte[] labels)
        implements TrainingSample<MultiClassSample> {

    /** Validates the sizes. */
    public MultiClassSample {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Sample name must not be empty");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Invalid sample size " + width + "x" + height + " for " + name);
        }
        long n = (long) width * height;
        if (image01 == null || prior01 == null || labels == null
                || image01.length != n || prior01.length != n || labels.length != n) {
            throw new IllegalArgumentException("Sample " + name + ": arrays must all have length " + n);
        }
    }

    /**
     * This sample at {@code size x size}: slice and prior bilinear (PyTorch align_corners=False), labels
     * nearest-neighbour (they stay class indices). Aspect ratio is not kept, as in the original's resize.
     */
    @Override
    public MultiClassSample resizedTo(int size) {
        if (width == size && height == size) {
            return this;
        }
        return new MultiClassSample(name, size, size, Resampling.bilinear(image01, width, height, size, size),
                Resampling.bilinear(prior01, width, height, size, size),
                Resampling.nearest(labels, width, height, size, size));
    }

    /** The binary mask {@code labels == cls}. */
    public boolean[] classMask(int cls) {
        boolean[] m = new boolean[labels.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = labels[i] == cls;
        }
        return m;
    }
}
