package org.infnet.bench;

import static org.junit.jupiter.api.Assertions.*;

import ij.process.ColorProcessor;
import org.infnet.image.Calibration3D;
import org.infnet.image.GrayImage;
import org.junit.jupiter.api.Test;

class ReadmePictureTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static GrayImage image(int w, int h, float[] px) {
        return new GrayImage(w, h, 1, 8, px, Calibration3D.UNCALIBRATED);
    }

    @Test
    void panelsShowTheSliceTheOverlayAndTheMask() {
        int w = 20, h = 10;
        float[] slice = new float[w * h], mask = new float[w * h], gt = new float[w * h];
        java.util.Arrays.fill(slice, 100);
        for (int y = 2; y < 8; y++) {
            for (int x = 4; x < 12; x++) {
                mask[y * w + x] = 255;
                gt[y * w + x + 2] = 255;
            }
        }
        ColorProcessor cp = ReadmePicture.compose(image(w, h, slice), image(w, h, mask), image(w, h, gt), "x.png");
        int top = cp.getHeight() - h, gap = (cp.getWidth() - 3 * w) / 2;
        assertEquals(3 * w + 2 * gap, cp.getWidth());
        assertEquals(0x646464, cp.get(5, top + 4) & 0xffffff, "the slice unchanged in the first panel");
        int red = cp.get(w + gap + 5, top + 4);
        assertTrue(((red >> 16) & 0xff) > ((red >> 8) & 0xff) + 80, "predicted pixel tinted red: " + Integer.toHexString(red));
        int green = cp.get(w + gap + 6, top + 2); // top edge of the truth
        assertEquals(0x28e628, green & 0xffffff);
        assertEquals(0x646464, cp.get(w + gap + 1, top + 1) & 0xffffff, "background untouched in the overlay");
        assertEquals(0xffffff, cp.get(2 * (w + gap) + 5, top + 4) & 0xffffff);
        assertEquals(0, cp.get(2 * (w + gap) + 1, top + 1) & 0xffffff);
        assertThrows(IllegalArgumentException.class,
                () -> ReadmePicture.compose(image(w, h, slice), image(w, 9, new float[w * 9]), image(w, h, gt), "x"));
    }
}
