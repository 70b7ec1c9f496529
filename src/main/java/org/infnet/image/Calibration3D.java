package org.infnet.image;

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

    /**
     * Millimetres per {@code unit} for the length units this project understands: {@code mm},
     * {@code cm}, {@code m}/{@code meter}/{@code metre}, {@code µm}/{@code um}/{@code micron}
     * (case-insensitive); {@code NaN} for anything else (e.g. {@code "pixel"}, {@code "inch"}).
     */
    public static double millimetresPerUnit(String unit) {
        if (unit == null) {
            return Double.NaN;
        }
        return switch (unit.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "mm", "millimeter", "millimetre", "millimeters", "millimetres" -> 1.0;
            case "cm", "centimeter", "centimetre" -> 10.0;
            case "m", "meter", "metre", "meters", "metres" -> 1000.0;
            case "\u00b5m", "\u03bcm", "um", "micron", "microns", "micrometer", "micrometre" -> 1e-3;
            default -> Double.NaN;
        };
    }

    /** True if the unit is a length unit known to {@link #millimetresPerUnit(String)}. */
    public boolean isPhysical() {
        return !Double.isNaN(millimetresPerUnit(unit));
    }

    /**
     * The same calibration expressed in millimetres.
     *
     * @throws IllegalArgumentException if the unit is not a known length unit (e.g. {@code "pixel"})
     */
    public Calibration3D toMillimetres() {
        double f = millimetresPerUnit(unit);
        if (Double.isNaN(f)) {
            throw new IllegalArgumentException("Calibration unit '" + unit + "' is not a known length unit");
        }
        return f == 1.0 && "mm".equals(unit) ? this : new Calibration3D(pixelWidth * f, pixelHeight * f, pixelDepth * f, "mm");
    }
}
