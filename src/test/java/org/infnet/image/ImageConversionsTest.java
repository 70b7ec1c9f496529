package org.infnet.image;

import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;

class ImageConversionsTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void floatImageRoundTrip2D() {
        float[] px = {1.5f, -2f, 3f, 4f, 5f, 6.25f};
        ImagePlus imp = new ImagePlus("f", new FloatProcessor(3, 2, px.clone()));
        Img<FloatType> img = ImageConversions.toFloatImg(imp);
        assertArrayEquals(new long[] {3, 2}, img.dimensionsAsLongArray());
        assertEquals(-2f, img.getAt(1, 0).get());
        assertEquals(6.25f, img.getAt(2, 1).get());
        ImagePlus back = ImageConversions.toImagePlus(img, "back", null);
        assertEquals(32, back.getBitDepth());
        assertEquals(1, back.getStackSize());
        assertArrayEquals(px, (float[]) back.getProcessor().getPixels());
    }

    @Test
    void byteStackBecomes3DAndBack() {
        ImageStack st = new ImageStack(2, 2);
        st.addSlice(new ByteProcessor(2, 2, new byte[] {0, 1, 2, (byte) 200}));
        st.addSlice(new ByteProcessor(2, 2, new byte[] {10, 11, 12, (byte) 255}));
        ImagePlus imp = new ImagePlus("stack", st);
        Img<FloatType> f = ImageConversions.toFloatImg(imp);
        assertArrayEquals(new long[] {2, 2, 2}, f.dimensionsAsLongArray());
        assertEquals(200f, f.getAt(1, 1, 0).get());
        assertEquals(255f, f.getAt(1, 1, 1).get());
        assertEquals(10f, f.getAt(0, 0, 1).get());

        Img<? extends RealType<?>> nat = ImageConversions.toRealImg(imp);
        assertInstanceOf(UnsignedByteType.class, nat.firstElement());
        @SuppressWarnings("unchecked")
        RandomAccessibleInterval<UnsignedByteType> u8 = (RandomAccessibleInterval<UnsignedByteType>) nat;
        ImagePlus back = ImageConversions.toImagePlus8(u8, "b", null);
        assertEquals(8, back.getBitDepth());
        assertEquals(2, back.getNSlices());
        assertEquals(1, back.getNChannels());
        assertArrayEquals((byte[]) st.getPixels(2), (byte[]) back.getStack().getPixels(2));
    }

    @Test
    void calibrationRoundTrip() {
        ImagePlus imp = new ImagePlus("c", new FloatProcessor(4, 4));
        Calibration3D cal = new Calibration3D(0.7, 0.8, 2.5, "mm");
        cal.applyTo(imp);
        assertEquals(cal, Calibration3D.from(imp));
        ImagePlus out = ImageConversions.toImagePlus(ImageConversions.toFloatImg(imp), "o", cal);
        assertEquals(0.7, out.getCalibration().pixelWidth);
        assertEquals(0.8, out.getCalibration().pixelHeight);
        assertEquals(2.5, out.getCalibration().pixelDepth);
        assertEquals("mm", out.getCalibration().getUnit());
        assertEquals(Calibration3D.UNCALIBRATED, Calibration3D.from(new ImagePlus("u", new FloatProcessor(2, 2))));
        assertThrows(IllegalArgumentException.class, () -> new Calibration3D(0, 1, 1, "mm"));
        assertThrows(IllegalArgumentException.class, () -> new Calibration3D(1, 1, Double.NaN, "mm"));
    }

    @Test
    void hyperstackWithChannelsOrFramesIsRejected() {
        ImageStack st = new ImageStack(3, 3);
        for (int i = 0; i < 4; i++) {
            st.addSlice(new ByteProcessor(3, 3));
        }
        ImagePlus imp = new ImagePlus("my4D", st);
        imp.setDimensions(2, 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageConversions.toFloatImg(imp));
        assertTrue(e.getMessage().contains("my4D"), e.getMessage());
        assertTrue(e.getMessage().contains("c=2"), e.getMessage());
        imp.setDimensions(1, 2, 2);
        e = assertThrows(IllegalArgumentException.class, () -> ImageConversions.toRealImg(imp));
        assertTrue(e.getMessage().contains("t=2"), e.getMessage());
        imp.setDimensions(1, 4, 1);
        assertEquals(3, ImageConversions.toFloatImg(imp).numDimensions());
    }

    @Test
    void rgbIsConvertedToLuminance() {
        ColorProcessor cp = new ColorProcessor(2, 1, new int[] {0xff0000, 0x102030});
        ImagePlus imp = new ImagePlus("rgb", cp);
        float[] v = ImageConversions.toFloatArray(imp);
        assertEquals(0.299 * 255, v[0], 1e-3);
        assertEquals(0.299 * 0x10 + 0.587 * 0x20 + 0.114 * 0x30, v[1], 1e-3);
        assertInstanceOf(FloatType.class, ImageConversions.toRealImg(imp).firstElement());
    }

    @Test
    void sixteenBitValueCalibrationIsAppliedOnlyByToFloat() {
        ShortProcessor sp = new ShortProcessor(2, 1, new short[] {0, 1124}, null);
        ImagePlus imp = new ImagePlus("ct", sp);
        Calibration c = imp.getCalibration();
        c.setFunction(Calibration.STRAIGHT_LINE, new double[] {-1024, 1}, "HU");
        assertArrayEquals(new float[] {-1024f, 100f}, ImageConversions.toFloatArray(imp));
        Img<? extends RealType<?>> raw = ImageConversions.toRealImg(imp);
        assertInstanceOf(UnsignedShortType.class, raw.firstElement());
        assertEquals(1124.0, ((RealType<?>) raw.getAt(1, 0)).getRealDouble());
    }

    @Test
    void nonArrayViewUsesItsOwnOriginAndValues() {
        Img<FloatType> big = ArrayImgs.floats(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3);
        RandomAccessibleInterval<FloatType> view = Views.interval(big, new long[] {1, 1}, new long[] {2, 2});
        assertArrayEquals(new float[] {4, 5, 7, 8}, ImageConversions.toFloatArray(view));
        ImagePlus imp = ImageConversions.toImagePlus(view, "v", null);
        assertEquals(2, imp.getWidth());
        assertArrayEquals(new float[] {4, 5, 7, 8}, (float[]) imp.getProcessor().getPixels());
        assertThrows(IllegalArgumentException.class,
                () -> ImageConversions.toImagePlus(ArrayImgs.floats(2, 2, 2, 2), "4d", null));
    }
}
