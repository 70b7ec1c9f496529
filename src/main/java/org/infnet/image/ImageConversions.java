package org.infnet.image;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Conversions between ImageJ 1.x {@link ImagePlus} and ImgLib2 images.
 *
 * <p>Axis convention: a single image becomes a 2D XY image, a stack of Z slices a 3D XYZ image.
 * Hyperstacks with more than one channel or more than one frame are rejected with an
 * {@link IllegalArgumentException} naming the image and its dimensions. RGB pixels are converted
 * to luminance with the Rec.601 weights {@code 0.299 R + 0.587 G + 0.114 B} (independent of the
 * ImageJ "weighted RGB" preference). All results are fresh copies in ArrayImgs backed by a single
 * primitive array (pixel index {@code x + w*(y + h*z)}); the ImagePlus is never modified.
 *
 * <p>All methods are stateless and thread-safe as long as the inputs are not mutated concurrently.
 */
public final class ImageConversions {

    private ImageConversions() {
    }

    /**
     * Checks that {@code imp} is a 2D image or a plain Z stack (1 channel, 1 frame).
     *
     * @throws IllegalArgumentException if it has several channels or frames
     */
    public static void requireXYorXYZ(ImagePlus imp) {
        if (imp.getNChannels() > 1 || imp.getNFrames() > 1) {
            throw new IllegalArgumentException("Image '" + imp.getTitle() + "' has dimensions "
                    + imp.getWidth() + "x" + imp.getHeight() + " c=" + imp.getNChannels()
                    + " z=" + imp.getNSlices() + " t=" + imp.getNFrames()
                    + "; only 2D images or single-channel, single-frame Z stacks are supported");
        }
    }

    /** Dimensions of the ImgLib2 image produced for {@code imp}: {@code {w,h}} or {@code {w,h,z}}. */
    public static long[] dimensions(ImagePlus imp) {
        requireXYorXYZ(imp);
        int d = imp.getStackSize();
        return d == 1 ? new long[] {imp.getWidth(), imp.getHeight()}
                : new long[] {imp.getWidth(), imp.getHeight(), d};
    }

    /**
     * Converts to a float image (2D or 3D). Pixel values are the ImagePlus's <em>calibrated</em>
     * values: if a value calibration function is set (e.g. DICOM rescale slope/intercept on 16-bit
     * CT, giving HU), it is applied; otherwise raw values are used. RGB -> luminance.
     */
    public static Img<FloatType> toFloatImg(ImagePlus imp) {
        long[] dims = dimensions(imp);
        return ArrayImgs.floats(toFloatArray(imp), dims);
    }

    /**
     * Same as {@link #toFloatImg(ImagePlus)} but returns the backing array directly
     * (index {@code x + w*(y + h*z)}).
     */
    public static float[] toFloatArray(ImagePlus imp) {
        requireXYorXYZ(imp);
        int w = imp.getWidth(), h = imp.getHeight(), d = imp.getStackSize(), n = w * h;
        float[] out = new float[Math.multiplyExact(n, d)];
        ImageStack stack = imp.getStack();
        Calibration cal = imp.getCalibration();
        float[] ctable = cal.calibrated() ? cal.getCTable() : null;
        for (int z = 0; z < d; z++) {
            ImageProcessor ip = stack.getProcessor(z + 1);
            int off = z * n;
            Object px = ip.getPixels();
            if (px instanceof float[] f) {
                System.arraycopy(f, 0, out, off, n);
            } else if (px instanceof byte[] b) {
                for (int i = 0; i < n; i++) {
                    int v = b[i] & 0xff;
                    out[off + i] = ctable != null && v < ctable.length ? ctable[v] : v;
                }
            } else if (px instanceof short[] s) {
                for (int i = 0; i < n; i++) {
                    int v = s[i] & 0xffff;
                    out[off + i] = ctable != null && v < ctable.length ? ctable[v] : v;
                }
            } else if (px instanceof int[] rgb) {
                lumaInto(rgb, out, off);
            } else {
                throw new IllegalArgumentException("Unsupported pixel type in image '" + imp.getTitle() + "'");
            }
        }
        return out;
    }

    private static void lumaInto(int[] rgb, float[] out, int off) {
        for (int i = 0; i < rgb.length; i++) {
            int c = rgb[i];
            out[off + i] = (float) Luminance.ofRgb(c);
        }
    }

    /**
     * The image a segmentation should see, following the project's input rule (8-bit = already windowed,
     * anything else = Hounsfield units): 8-bit stays {@link UnsignedByteType}; RGB becomes 8-bit luminance
     * ({@link UnsignedByteType}, a screenshot of a windowed CT); 16-bit with a value calibration (DICOM
     * rescale slope/intercept) becomes its calibrated values, i.e. HU, as {@link FloatType}; uncalibrated
     * 16-bit and 32-bit keep their stored values.
     */
    public static Img<? extends RealType<?>> toSegmentationInput(ImagePlus imp) {
        if (imp.getBitDepth() == 24) {
            float[] luma = toFloatArray(imp);
            byte[] b = new byte[luma.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) Math.round(Math.max(0, Math.min(255, luma[i])));
            }
            return ArrayImgs.unsignedBytes(b, dimensions(imp));
        }
        if (imp.getBitDepth() == 16 && imp.getCalibration().calibrated()) {
            return toFloatImg(imp);
        }
        return toRealImg(imp);
    }

    /**
     * Converts to an ImgLib2 image of the <em>native</em> pixel type: 8-bit ->
     * {@link UnsignedByteType}, 16-bit -> {@link UnsignedShortType}, 32-bit -> {@link FloatType},
     * RGB -> {@link FloatType} luminance (0..255). Raw stored values are copied; the value
     * calibration function is NOT applied (use {@link #toFloatImg(ImagePlus)} for calibrated
     * values). Useful with {@link HuWindow#toUnit}, which treats 8-bit as already windowed.
     */
    public static Img<? extends RealType<?>> toRealImg(ImagePlus imp) {
        long[] dims = dimensions(imp);
        int w = imp.getWidth(), h = imp.getHeight(), d = imp.getStackSize(), n = w * h;
        ImageStack stack = imp.getStack();
        switch (imp.getBitDepth()) {
            case 8: {
                byte[] out = new byte[Math.multiplyExact(n, d)];
                for (int z = 0; z < d; z++) {
                    System.arraycopy((byte[]) stack.getPixels(z + 1), 0, out, z * n, n);
                }
                return ArrayImgs.unsignedBytes(out, dims);
            }
            case 16: {
                short[] out = new short[Math.multiplyExact(n, d)];
                for (int z = 0; z < d; z++) {
                    System.arraycopy((short[]) stack.getPixels(z + 1), 0, out, z * n, n);
                }
                return ArrayImgs.unsignedShorts(out, dims);
            }
            case 32: {
                float[] out = new float[Math.multiplyExact(n, d)];
                for (int z = 0; z < d; z++) {
                    System.arraycopy((float[]) stack.getPixels(z + 1), 0, out, z * n, n);
                }
                return ArrayImgs.floats(out, dims);
            }
            case 24: {
                float[] out = new float[Math.multiplyExact(n, d)];
                for (int z = 0; z < d; z++) {
                    lumaInto((int[]) stack.getPixels(z + 1), out, z * n);
                }
                return ArrayImgs.floats(out, dims);
            }
            default:
                throw new IllegalArgumentException("Unsupported bit depth " + imp.getBitDepth()
                        + " in image '" + imp.getTitle() + "'");
        }
    }

    /**
     * Copies any real-valued 2D/3D image into a new float array in flat-iteration order
     * (index {@code x + w*(y + h*z)}, relative to the image's min corner). Direct array copies
     * are used for ArrayImgs of float, unsigned byte and unsigned short; other inputs fall back to
     * a cursor.
     */
    @SuppressWarnings("unchecked")
    public static float[] toFloatArray(RandomAccessibleInterval<? extends RealType<?>> img) {
        long size = 1;
        for (long dim : img.dimensionsAsLongArray()) {
            size *= dim;
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Image too large for a single array: " + size + " pixels");
        }
        float[] out = new float[(int) size];
        Object t = img.getType();
        if (img instanceof ArrayImg<?, ?> ai) {
            Object access = ((ArrayImg<?, ?>) ai).update(null);
            if (t instanceof FloatType && access instanceof FloatArray fa) {
                System.arraycopy(fa.getCurrentStorageArray(), 0, out, 0, out.length);
                return out;
            }
            if (t instanceof UnsignedByteType && access instanceof ByteArray ba) {
                byte[] b = ba.getCurrentStorageArray();
                for (int i = 0; i < out.length; i++) {
                    out[i] = b[i] & 0xff;
                }
                return out;
            }
            if (t instanceof UnsignedShortType && access instanceof ShortArray sa) {
                short[] s = sa.getCurrentStorageArray();
                for (int i = 0; i < out.length; i++) {
                    out[i] = s[i] & 0xffff;
                }
                return out;
            }
        }
        Cursor<? extends RealType<?>> c = Views.flatIterable(img).cursor();
        int i = 0;
        while (c.hasNext()) {
            out[i++] = c.next().getRealFloat();
        }
        return out;
    }

    /** Copies any real-valued image into a new float ArrayImg of the same dimensions. */
    public static Img<FloatType> toFloatImg(RandomAccessibleInterval<? extends RealType<?>> img) {
        return ArrayImgs.floats(toFloatArray(img), img.dimensionsAsLongArray());
    }

    /**
     * Converts a 2D (XY) or 3D (XYZ) float image to a 32-bit ImagePlus (stack for 3D) with the
     * given title and calibration.
     *
     * @throws IllegalArgumentException for other dimensionalities or sizes exceeding int range
     */
    public static ImagePlus toImagePlus(RandomAccessibleInterval<FloatType> img, String title, Calibration3D cal) {
        int[] whd = whd(img);
        float[] all = toFloatArray(img);
        int n = whd[0] * whd[1];
        ImageStack stack = new ImageStack(whd[0], whd[1]);
        for (int z = 0; z < whd[2]; z++) {
            float[] slice = new float[n];
            System.arraycopy(all, z * n, slice, 0, n);
            stack.addSlice(new FloatProcessor(whd[0], whd[1], slice));
        }
        return finish(new ImagePlus(title, stack), cal);
    }

    /**
     * Converts a 2D or 3D unsigned-byte image to an 8-bit ImagePlus (gray LUT; stack for 3D) with
     * the given title and calibration.
     */
    public static ImagePlus toImagePlus8(RandomAccessibleInterval<UnsignedByteType> img, String title, Calibration3D cal) {
        int[] whd = whd(img);
        int n = whd[0] * whd[1];
        byte[] all;
        Object access = img instanceof ArrayImg<?, ?> ai ? ai.update(null) : null;
        if (access instanceof ByteArray ba) {
            all = ba.getCurrentStorageArray();
        } else {
            all = new byte[n * whd[2]];
            Cursor<UnsignedByteType> c = Views.flatIterable(img).cursor();
            int i = 0;
            while (c.hasNext()) {
                all[i++] = (byte) c.next().get();
            }
        }
        ImageStack stack = new ImageStack(whd[0], whd[1]);
        for (int z = 0; z < whd[2]; z++) {
            byte[] slice = new byte[n];
            System.arraycopy(all, z * n, slice, 0, n);
            stack.addSlice(new ByteProcessor(whd[0], whd[1], slice));
        }
        return finish(new ImagePlus(title, stack), cal);
    }

    /** Wraps a float array (copied) of size w*h*d as a 32-bit ImagePlus. */
    public static ImagePlus toImagePlus(float[] pixels, int width, int height, int depth, String title, Calibration3D cal) {
        return toImagePlus(ArrayImgs.floats(pixels.clone(), dimsOf(width, height, depth, pixels.length)), title, cal);
    }

    /** Wraps a byte array (copied) of size w*h*d as an 8-bit ImagePlus. */
    public static ImagePlus toImagePlus8(byte[] pixels, int width, int height, int depth, String title, Calibration3D cal) {
        return toImagePlus8(ArrayImgs.unsignedBytes(pixels.clone(), dimsOf(width, height, depth, pixels.length)), title, cal);
    }

    private static long[] dimsOf(int w, int h, int d, int len) {
        if (w <= 0 || h <= 0 || d <= 0 || (long) w * h * d != len) {
            throw new IllegalArgumentException("Array of length " + len + " does not match " + w + "x" + h + "x" + d);
        }
        return d == 1 ? new long[] {w, h} : new long[] {w, h, d};
    }

    private static ImagePlus finish(ImagePlus imp, Calibration3D cal) {
        int d = imp.getStackSize();
        imp.setDimensions(1, d, 1);
        (cal == null ? Calibration3D.UNCALIBRATED : cal).applyTo(imp);
        return imp;
    }

    private static int[] whd(RandomAccessibleInterval<?> img) {
        int nd = img.numDimensions();
        if (nd != 2 && nd != 3) {
            throw new IllegalArgumentException("Expected a 2D (XY) or 3D (XYZ) image, got " + nd + " dimensions");
        }
        long w = img.dimension(0), h = img.dimension(1), d = nd == 3 ? img.dimension(2) : 1;
        if (w * h > Integer.MAX_VALUE || w * h * d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Image too large: " + w + "x" + h + "x" + d);
        }
        return new int[] {(int) w, (int) h, (int) d};
    }
}
