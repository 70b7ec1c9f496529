package org.infnet.io.nifti;

import java.util.Arrays;
import org.infnet.image.Calibration3D;

/**
 * Size and position of a volume in the project's <b>canonical axial layout</b>.
 *
 * <p>Canonical layout (the same as the phantom generator and radiological display, and the same as
 * DICOM's LPS patient axes): voxel index {@code x} increases towards the patient's <em>left</em>
 * (so the patient's right is on the image's left), {@code y} increases towards <em>posterior</em>
 * (anterior at the top row), {@code z} increases towards <em>superior</em> (slice 0 is the most
 * inferior axial slice). Voxel data are stored {@code x + width*(y + height*z)}.
 *
 * <p>In NIfTI world coordinates (RAS+, millimetres) the centre of voxel {@code (x,y,z)} is
 * {@code originRas + (-pixelWidth*x, -pixelHeight*y, +pixelDepth*z)}.
 *
 * @param width       voxels along x (&gt;= 1)
 * @param height      voxels along y (&gt;= 1)
 * @param depth       number of axial slices (&gt;= 1)
 * @param calibration voxel size in millimetres (unit {@code "mm"})
 * @param originRas   RAS+ world position (mm) of the centre of voxel (0,0,0); length 3, finite
 */
public record NiftiGeometry(int width, int height, int depth, Calibration3D calibration, double[] originRas) {

    /** Validates the contract (the origin array is copied). */
    public NiftiGeometry {
        if (width < 1 || height < 1 || depth < 1) {
            throw new IllegalArgumentException("Invalid volume size " + width + "x" + height + "x" + depth);
        }
        if ((long) width * height * depth > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("Volume " + width + "x" + height + "x" + depth + " is too large");
        }
        if (calibration == null || !"mm".equals(calibration.unit())) {
            throw new IllegalArgumentException("NIfTI geometry needs a calibration in mm, got " + calibration);
        }
        if (originRas == null || originRas.length != 3 || !Double.isFinite(originRas[0])
                || !Double.isFinite(originRas[1]) || !Double.isFinite(originRas[2])) {
            throw new IllegalArgumentException("originRas must be 3 finite numbers");
        }
        originRas = originRas.clone();
    }

    /** Geometry with the origin at the world origin; {@code calibration} is converted to mm. */
    public static NiftiGeometry of(int width, int height, int depth, Calibration3D calibration) {
        return new NiftiGeometry(width, height, depth, calibration.toMillimetres(), new double[3]);
    }

    /** Number of voxels. */
    public int voxels() {
        return width * height * depth;
    }

    /** A copy of the origin. */
    @Override
    public double[] originRas() {
        return originRas.clone();
    }

    /**
     * The 3x4 voxel-to-RAS affine (rows {@code srow_x, srow_y, srow_z}) of the canonical layout.
     */
    public double[][] affine() {
        Calibration3D c = calibration;
        return new double[][] {
            {-c.pixelWidth(), 0, 0, originRas[0]},
            {0, -c.pixelHeight(), 0, originRas[1]},
            {0, 0, c.pixelDepth(), originRas[2]}};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NiftiGeometry g && g.width == width && g.height == height && g.depth == depth
                && g.calibration.equals(calibration) && Arrays.equals(g.originRas, originRas);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hash(width, height, depth, calibration) + Arrays.hashCode(originRas);
    }

    @Override
    public String toString() {
        return "NiftiGeometry[" + width + "x" + height + "x" + depth + ", " + calibration + ", origin="
                + Arrays.toString(originRas) + "]";
    }
}
