package org.infnet.analysis;

import java.util.ArrayList;
import java.util.List;
import org.infnet.image.Calibration3D;

/**
 * Infection burden from infection masks (or a probability map and a threshold) and lung masks.
 *
 * <p>Masks are byte arrays where any non-zero value is "in" (0/1 or 0/255), index
 * {@code x + width*(y + height*z)}; a probability map is float in [0,1] of the same layout.
 * Areas and volumes use the calibration converted to millimetres: pixel area
 * {@code pixelWidth*pixelHeight} mm^2, voxel volume {@code pixelWidth*pixelHeight*pixelDepth/1000}
 * mL (slice spacing = {@code pixelDepth}); when the calibration unit is not a length (e.g.
 * {@code "pixel"}) areas and volumes are NaN but pixel counts and percentages are still given.
 * Burden = infected / (lung mask ∪ infected): infection is lung tissue, so infected pixels that the lung mask
 * missed (a cropped slice, a dense consolidation taken for chest wall) count as lung; they are reported
 * ({@link SliceBurden#infectedOutsideLungPixels()}) and flag the mask ({@link SliceBurden#lungMaskReliable()}).
 * The burden is never NaN: 0 without lung and infection. Stateless.
 */
public final class InfectionBurden {

    private InfectionBurden() {
    }

    /**
     * Burden from a probability map thresholded at {@code threshold} ({@code p >= threshold} is
     * infected; NaN is not).
     */
    public static VolumeBurden fromProbability(float[] probability, double threshold, byte[] lung, int width,
            int height, int depth, Calibration3D cal) {
        byte[] mask = new byte[probability.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) (probability[i] >= threshold ? 1 : 0);
        }
        return compute(mask, probability, lung, width, height, depth, cal);
    }

    /**
     * Burden from an infection mask.
     *
     * @param infection   infection mask
     * @param probability probability map for the mean probability, or null
     * @param lung        lung mask
     * @throws IllegalArgumentException if array lengths do not match the size
     */
    public static VolumeBurden compute(byte[] infection, float[] probability, byte[] lung, int width, int height,
            int depth, Calibration3D cal) {
        long n = (long) width * height * depth;
        if (width < 1 || height < 1 || depth < 1 || infection.length != n || lung.length != n
                || (probability != null && probability.length != n)) {
            throw new IllegalArgumentException("mask arrays do not match " + width + "x" + height + "x" + depth);
        }
        double pixelMm2 = Double.NaN, voxelMl = Double.NaN;
        if (cal != null && cal.isPhysical()) {
            Calibration3D mm = cal.toMillimetres();
            pixelMm2 = mm.pixelWidth() * mm.pixelHeight();
            voxelMl = pixelMm2 * mm.pixelDepth() / 1000.0;
        }
        int plane = width * height;
        List<SliceBurden> slices = new ArrayList<>(depth);
        long totInf = 0, totIn = 0, totLung = 0;
        double totProb = 0;
        for (int z = 0; z < depth; z++) {
            long inf = 0, in = 0, lu = 0;
            double prob = 0;
            for (int i = z * plane, end = i + plane; i < end; i++) {
                boolean isInf = infection[i] != 0, isLung = lung[i] != 0;
                if (isInf) {
                    inf++;
                    if (probability != null) {
                        prob += probability[i];
                    }
                }
                if (isLung) {
                    lu++;
                    if (isInf) {
                        in++;
                    }
                }
            }
            slices.add(new SliceBurden(z, inf, inf * pixelMm2, in, lu, lu * pixelMm2, percent(inf, lu + inf - in),
                    probability != null && inf > 0 ? prob / inf : Double.NaN));
            totInf += inf;
            totIn += in;
            totLung += lu;
            totProb += prob;
        }
        return new VolumeBurden(slices, totInf * voxelMl, totIn * voxelMl, totLung * voxelMl,
                percent(totInf, totLung + totInf - totIn),
                probability != null && totInf > 0 ? totProb / totInf : Double.NaN);
    }

    private static double percent(long part, long whole) {
        return whole > 0 ? 100.0 * part / whole : 0;
    }
}
