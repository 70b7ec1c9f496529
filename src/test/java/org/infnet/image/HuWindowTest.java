package org.infnet.image;

import static org.junit.jupiter.api.Assertions.*;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;

class HuWindowTest {

    @Test
    void lungWindowMapsKnownValues() {
        HuWindow w = HuWindow.LUNG;
        assertEquals(0.5f, w.apply(-600), 1e-6);
        assertEquals(0f, w.apply(-1350), 1e-6);
        assertEquals(1f, w.apply(150), 1e-6);
        assertEquals(0f, w.apply(-3000));
        assertEquals(1f, w.apply(3000));
        assertEquals(0.25f, w.apply(-975), 1e-6);
        assertEquals(0f, w.apply(Double.NaN));
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 0f, 1f}, w.apply(new float[] {-1350, -600, 150, Float.NaN, 500}), 1e-6f);
    }

    @Test
    void toUnitTreatsBytesAsWindowedAndFloatsAsHu() {
        Img<FloatType> fromBytes = HuWindow.LUNG.toUnit(ArrayImgs.unsignedBytes(new byte[] {0, (byte) 51, (byte) 255}, 3));
        assertArrayEquals(new float[] {0f, 0.2f, 1f}, ImageConversions.toFloatArray(fromBytes), 1e-6f);
        Img<FloatType> fromFloats = HuWindow.LUNG.toUnit(ArrayImgs.floats(new float[] {-600, 150, Float.NaN}, 3));
        assertArrayEquals(new float[] {0.5f, 1f, 0f}, ImageConversions.toFloatArray(fromFloats), 1e-6f);
        // 16-bit values are HU too: 0 HU -> (0+1350)/1500
        Img<FloatType> fromShorts = HuWindow.LUNG.toUnit(ArrayImgs.unsignedShorts(new short[] {0, 100}, 2));
        assertEquals(0.9f, ImageConversions.toFloatArray(fromShorts)[0], 1e-6f);
        assertEquals(1450f / 1500f, ImageConversions.toFloatArray(fromShorts)[1], 1e-6f);
    }

    @Test
    void bytesRenderingAndValidation() {
        assertArrayEquals(new byte[] {0, (byte) 128, (byte) 255}, HuWindow.LUNG.toBytes(new float[] {-2000, -600, 400}));
        assertArrayEquals(new float[] {0f, 1f}, HuWindow.unitFromBytes(new byte[] {0, (byte) 255}));
        assertThrows(IllegalArgumentException.class, () -> new HuWindow(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HuWindow(Double.NaN, 10));
        HuWindow narrow = new HuWindow(40, 400);
        assertEquals(-160, narrow.lower());
        assertEquals(0.5f, narrow.apply(40), 1e-6);
    }
}
