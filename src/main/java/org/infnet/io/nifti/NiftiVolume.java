package org.infnet.io.nifti;

import java.util.List;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.image.Calibration3D;

/**
 * A 3D scalar volume read from (or to be written to) a NIfTI-1 file, in the canonical axial
 * layout described in {@link NiftiGeometry} (x to patient left, y to posterior, z inferior to
 * superior).
 *
 * <p>Contract: {@code data.length == geometry.voxels()}, index {@code x + width*(y + height*z)};
 * values are the file's scaled values ({@code scl_slope}/{@code scl_inter} applied), i.e.
 * Hounsfield units for CT. The array is shared, not copied. {@code sourceAxes} names the file's
 * voxel axes i,j,k by the anatomical direction they point to (e.g. {@code "LPS"}, {@code "RAS"};
 * {@code "LPS"} for volumes created in memory). {@code warnings} lists anything the reader had to
 * assume or approximate (oblique orientation snapped to the nearest axes, missing orientation,
 * unknown units, extra time points ignored); empty when the file was read exactly.
 *
 * @param geometry   size, voxel size (mm) and position
 * @param data       voxel values
 * @param sourceAxes anatomical directions of the source voxel axes i,j,k (3 letters of RLAPSI)
 * @param warnings   human-readable warnings (immutable copy)
 */
public record NiftiVolume(NiftiGeometry geometry, float[] data, String sourceAxes, List<String> warnings) {

    /** Validates the contract. */
    public NiftiVolume {
        if (geometry == null || data == null || data.length != geometry.voxels()) {
            throw new IllegalArgumentException("data length does not match geometry " + geometry);
        }
        sourceAxes = sourceAxes == null ? "LPS" : sourceAxes;
        warnings = List.copyOf(warnings == null ? List.of() : warnings);
    }

    /** A volume created in memory (canonical layout, origin 0, no warnings). */
    public static NiftiVolume of(int width, int height, int depth, Calibration3D calibration, float[] data) {
        return new NiftiVolume(NiftiGeometry.of(width, height, depth, calibration), data, "LPS", List.of());
    }

    /** Width in voxels. */
    public int width() {
        return geometry.width();
    }

    /** Height in voxels. */
    public int height() {
        return geometry.height();
    }

    /** Number of axial slices. */
    public int depth() {
        return geometry.depth();
    }

    /** Voxel size in mm. */
    public Calibration3D calibration() {
        return geometry.calibration();
    }

    /** The volume as a 3D (x,y,z) ImgLib2 image sharing {@link #data()}. */
    public ArrayImg<FloatType, FloatArray> img() {
        return ArrayImgs.floats(data, width(), height(), depth());
    }

    /** Axial slice {@code z} (a copy, index {@code x + width*y}). */
    public float[] slice(int z) {
        if (z < 0 || z >= depth()) {
            throw new IndexOutOfBoundsException("slice " + z + " of " + depth());
        }
        int n = width() * height();
        float[] s = new float[n];
        System.arraycopy(data, z * n, s, 0, n);
        return s;
    }
}
