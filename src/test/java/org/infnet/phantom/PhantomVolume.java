package org.infnet.phantom;

import java.util.Arrays;
import org.infnet.image.Calibration3D;

/**
 * A synthetic chest CT volume (stack of axial slices) with ground truth.
 *
 * <p>Contract: arrays have length {@code width*height*depth}, index {@code x + width*(y + height*z)};
 * meaning of each array as in {@link PhantomSlice}. {@code calibration} gives the voxel size in
 * millimetres (unit {@code "mm"}). Arrays are shared, not copied; treat them as read-only.
 *
 * @param width       width in voxels
 * @param height      height in voxels
 * @param depth       number of slices
 * @param calibration voxel size (mm)
 * @param hu          CT values in HU
 * @param infection   binary infection mask (0/1)
 * @param classes     multi-class label (0 bg, 1 GGO, 2 consolidation)
 * @param lung        binary lung mask (0/1)
 */
public record PhantomVolume(int width, int height, int depth, Calibration3D calibration,
        float[] hu, byte[] infection, byte[] classes, byte[] lung) {

    /** Validates array lengths and a millimetre calibration. */
    public PhantomVolume {
        long n = (long) width * height * depth;
        if (width < 1 || height < 1 || depth < 1 || hu.length != n || infection.length != n
                || classes.length != n || lung.length != n) {
            throw new IllegalArgumentException("Arrays must have length " + width + "*" + height + "*" + depth);
        }
        if (!"mm".equals(calibration.unit())) {
            throw new IllegalArgumentException("Phantom volumes are calibrated in mm");
        }
    }

    /** Slice {@code z} (0-based) as a {@link PhantomSlice} (arrays copied). */
    public PhantomSlice slice(int z) {
        if (z < 0 || z >= depth) {
            throw new IndexOutOfBoundsException("slice " + z + " of " + depth);
        }
        int n = width * height, from = z * n, to = from + n;
        return new PhantomSlice(width, height, Arrays.copyOfRange(hu, from, to), Arrays.copyOfRange(infection, from, to),
                Arrays.copyOfRange(classes, from, to), Arrays.copyOfRange(lung, from, to));
    }

    /** Number of infected voxels. */
    public long infectedVoxels() {
        return count(infection);
    }

    /** True infected volume in millilitres (voxel count x voxel volume). */
    public double infectedVolumeMl() {
        return infectedVoxels() * calibration.voxelVolume() / 1000.0;
    }

    /** True lung volume in millilitres. */
    public double lungVolumeMl() {
        return count(lung) * calibration.voxelVolume() / 1000.0;
    }

    private static long count(byte[] a) {
        long c = 0;
        for (byte b : a) {
            c += b != 0 ? 1 : 0;
        }
        return c;
    }
}
