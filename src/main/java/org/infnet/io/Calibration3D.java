package org.infnet.io;

import ij.ImagePlus;
import ij.measure.Calibration;

/**
 * Spatial calibration of a 2D or 3D image: physical size of one pixel/voxel along X, Y and Z
 * plus the length unit.
 *
 * <p>Contract: all three sizes are finite and strictly positive, the unit is non-null and
 * non-blank. For 2D images {@code pixelDepth} is carried along but has no meaning (1 by
 * convention). Instances are immutable.
 *
 * @param pixelWidth  size of a pixel along X, in {@code unit}
 * @param pixelHeight size of a pixel along Y, in {@code unit}
 * @param pixelDepth  spacing between slices along Z, in {@code unit}
 * @param unit        length unit, e.g. {@code "mm"}; {@code "pixel"} when uncalibrated
 */
public record Calibration3D(double pixelWidth, double pixelHeight, double pixelDepth, String unit) {

    /** One pixel per unit, unit {@code "pixel"}: the calibration of an uncalibrated image. */
    public static final Calibration3D UNCALIBRATED = new Calibration3D(1, 1, 1, "pixel");

    /** Validates the contract; throws {@link IllegalArgumentException} on violation. */
    public Calibration3D {
        check("pixelWidth", pixelWidth);
        check("pixelHeight", pixelHeight);
        check("pixelDepth", pixelDepth);
        if (unit == null || unit.isBlank()) {
            throw new IllegalArgumentException("Calibration unit must be non-blank");
        }
    }

    private static void check(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, was " + v);
        }
    }

    /** Isotropic-in-plane calibration helper: {@code (xy, xy, z, unit)}. */
    public static Calibration3D of(double xy, double z, String unit) {
        return new Calibration3D(xy, xy, z, unit);
    }

    /**
     * Reads the spatial calibration of an ImagePlus. Non-positive or non-finite values stored in
     * the ImagePlus are replaced by 1 and an empty unit by {@code "pixel"}, so that any ImagePlus
     * yields a valid instance.
     */
    public static Calibration3D from(ImagePlus imp) {
        Calibration c = imp.getCalibration();
        String u = c.getUnit();
        return new Calibration3D(sane(c.pixelWidth), sane(c.pixelHeight), sane(c.pixelDepth),
                u == null || u.isBlank() ? "pixel" : u);
    }

    private static double sane(double v) {
        return v > 0 && !Double.isInfinite(v) ? v : 1.0;
    }

    /** Writes this calibration into {@code imp}'s spatial calibration (value calibration untouched). */
    public void applyTo(ImagePlus imp) {
        Calibration c = imp.getCalibration().copy();
        c.pixelWidth = pixelWidth;
        c.pixelHeight = pixelHeight;
        c.pixelDepth = pixelDepth;
        c.setUnit(unit);
        imp.setCalibration(c);
    }

    /** Volume of one voxel in {@code unit}^3. */
    public double voxelVolume() {
        return pixelWidth * pixelHeight * pixelDepth;
    }
}
