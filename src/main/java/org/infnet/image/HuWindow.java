package org.infnet.image;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A CT display window (level/width in Hounsfield units) that maps HU linearly to [0,1]:
 * {@code (hu - (level - width/2)) / width}, clamped to [0,1]. {@code NaN} maps to 0.
 *
 * <p>With {@link #LUNG} (level -600, width 1500): -1350 HU -> 0, -600 HU -> 0.5, +150 HU -> 1.
 *
 * <p>The {@code toUnit} rule used to feed the network: 8-bit ({@link UnsignedByteType}) input is
 * taken as an already windowed display image and scaled by 1/255; any other real type
 * (16-bit, 32-bit float, ...) is taken as Hounsfield units and windowed.
 *
 * @param level window centre in HU
 * @param width window width in HU, finite and &gt; 0
 */
public record HuWindow(double level, double width) {

    /** Standard lung window: level -600 HU, width 1500 HU. */
    public static final HuWindow LUNG = new HuWindow(-600, 1500);

    /** Validates {@code width > 0} and both values finite. */
    public HuWindow {
        if (!(width > 0) || Double.isInfinite(width) || !Double.isFinite(level)) {
            throw new IllegalArgumentException("Invalid HU window level=" + level + " width=" + width);
        }
    }

    /**
     * How far below the window's level the darkest value of a CT slice must be ({@value #AIR_MARGIN} HU): every CT
     * slice of the chest holds air (about -1000 HU) outside the body and in the airways; with the lung window that is
     * a value at or below -900.
     */
    public static final double AIR_MARGIN = 300;

    /**
     * A warning when values taken as HU hold no air, i.e. their lowest finite value is above
     * {@code level - }{@value #AIR_MARGIN}: then they are most likely not HU, typically HU + 1024 as many 16-bit
     * exports store them (air at 24 instead of -1000), which the lung window shows almost white. Empty when the
     * values hold air, or none is finite.
     *
     * @param lowest the lowest finite value of the image (NaN or +infinity when there is none)
     */
    public java.util.Optional<String> airWarning(double lowest) {
        if (!Double.isFinite(lowest) || lowest <= level - AIR_MARGIN) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(java.util.Locale.ROOT, "values are taken as HU, but none is at or"
                + " below %.0f (air is about -1000 HU): the lowest is %.0f; if the file stores HU + 1024 (a common"
                + " 16-bit export), segment it with --intercept -1024", level - AIR_MARGIN, lowest));
    }

    /** {@link #airWarning(double)} of the lowest finite value in {@code values}. */
    public static java.util.Optional<String> airWarning(float[] values, HuWindow window) {
        double min = Double.POSITIVE_INFINITY;
        for (float v : values) {
            if (v < min && v > Float.NEGATIVE_INFINITY) {
                min = v;
            }
        }
        return window.airWarning(min);
    }

    /** {@link #airWarning(double)} of the lowest finite value in {@code img}. */
    public static java.util.Optional<String> airWarning(RandomAccessibleInterval<? extends RealType<?>> img,
            HuWindow window) {
        double min = Double.POSITIVE_INFINITY;
        for (RealType<?> t : net.imglib2.view.Views.flatIterable(img)) {
            double v = t.getRealDouble();
            if (v < min && v > Double.NEGATIVE_INFINITY) {
                min = v;
            }
        }
        return window.airWarning(min);
    }

    /** Lowest HU mapped to 0. */
    public double lower() {
        return level - width / 2;
    }

    /** Highest HU mapped to 1. */
    public double upper() {
        return level + width / 2;
    }

    /** Maps one HU value to [0,1] (clamped; NaN -> 0). */
    public float apply(double hu) {
        if (Double.isNaN(hu)) {
            return 0f;
        }
        double v = (hu - lower()) / width;
        return (float) (v < 0 ? 0 : v > 1 ? 1 : v);
    }

    /** Maps an array of HU values to a new array in [0,1] (NaN -> 0). */
    public float[] apply(float[] hu) {
        return apply(hu, 0, hu.length);
    }

    /** Maps {@code hu[from, from + length)} to a new array in [0,1] (NaN -> 0). */
    public float[] apply(float[] hu, int from, int length) {
        float[] out = new float[length];
        double lo = lower();
        double inv = 1.0 / width;
        for (int i = 0; i < length; i++) {
            float h = hu[from + i];
            if (Float.isNaN(h)) {
                continue;
            }
            double v = (h - lo) * inv;
            out[i] = (float) (v < 0 ? 0 : v > 1 ? 1 : v);
        }
        return out;
    }

    /** Scales 8-bit display values (already windowed) to [0,1]: {@code (b & 0xff) / 255}. */
    public static float[] unitFromBytes(byte[] display) {
        float[] out = new float[display.length];
        for (int i = 0; i < display.length; i++) {
            out[i] = (display[i] & 0xff) / 255f;
        }
        return out;
    }

    /**
     * Renders HU values as an 8-bit display image with this window:
     * {@code round(apply(hu) * 255)}.
     */
    public byte[] toBytes(float[] hu) {
        float[] u = apply(hu);
        byte[] out = new byte[u.length];
        for (int i = 0; i < u.length; i++) {
            out[i] = (byte) Math.round(u[i] * 255f);
        }
        return out;
    }

    /**
     * Converts an image to [0,1] following the rule in the class description: UnsignedByteType
     * -> x/255, anything else -> windowed as HU. The result is a new float ArrayImg of the same
     * dimensions (origin moved to zero); NaN becomes 0.
     */
    public Img<FloatType> toUnit(RandomAccessibleInterval<? extends RealType<?>> img) {
        Object t = img.getType();
        float[] values = ImageConversions.toFloatArray(img);
        float[] out;
        if (t instanceof UnsignedByteType) {
            out = values;
            for (int i = 0; i < out.length; i++) {
                out[i] = out[i] / 255f;
            }
        } else {
            out = apply(values);
        }
        return ArrayImgs.floats(out, img.dimensionsAsLongArray());
    }
}
