package org.infnet.infer;

import java.util.Arrays;

/**
 * One output of a segmentation as the {@link ResultWriter}s write it: a probability map (floats in [0,1]), a binary
 * mask (bytes 0/255) or a label image (bytes, the label values, with a display palette), named by the suffix added to
 * the input's base name ({@code _prob}, {@code _mask}, {@code _labels}, ...).
 *
 * @param suffix added to the input's base name, before the extension
 * @param floats the probabilities, or null for a byte output
 * @param bytes the mask or labels, or null for a probability map
 * @param classes label values counted in {@link #counts} (2 for a mask: not infected, infected)
 * @param lut the palette of a label image ({@code lut[channel][value]}), or null (a mask, or a probability map)
 */
public record OutputMap(String suffix, float[] floats, byte[] bytes, int classes, byte[][] lut) {

    /** A probability map. */
    public static OutputMap probability(String suffix, float[] values) {
        return new OutputMap(suffix, values, null, 0, null);
    }

    /** A binary mask, 0/255 (written 0/1 to NIfTI). */
    public static OutputMap mask(String suffix, byte[] values) {
        return new OutputMap(suffix, null, values, 2, null);
    }

    /** A label image of {@code classes} values with its palette. */
    public static OutputMap labels(String suffix, byte[] values, int classes, byte[][] lut) {
        return new OutputMap(suffix, null, values, classes, lut);
    }

    /** Whether this is a binary 0/255 mask. */
    public boolean isMask() {
        return bytes != null && lut == null;
    }

    /** Pixels of each label value (a mask: 0 and non-zero). */
    public long[] counts() {
        long[] counts = new long[classes];
        for (byte b : bytes) {
            counts[isMask() ? (b != 0 ? 1 : 0) : b & 0xff]++;
        }
        return counts;
    }

    /** Values {@code from <= i < from + n} (one slice of a stack's output), as a map of their own. */
    public OutputMap range(int from, int n) {
        return new OutputMap(suffix, floats == null ? null : Arrays.copyOfRange(floats, from, from + n),
                bytes == null ? null : Arrays.copyOfRange(bytes, from, from + n), classes, lut);
    }
}
