package org.infnet.train.data;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class EdgeMapsTest {

    @Test
    void squareGivesTwoPixelBoundary() {
        int w = 7, h = 7;
        float[] m = new float[w * h];
        for (int y = 2; y <= 4; y++) {
            for (int x = 2; x <= 4; x++) {
                m[y * w + x] = 1f;
            }
        }
        float[] e = EdgeMaps.fromMask(m, w, h);
        int inner = 0, outer = 0;
        for (int i = 0; i < e.length; i++) {
            if (e[i] > 0) {
                if (m[i] > 0) {
                    inner++;
                } else {
                    outer++;
                }
            }
        }
        assertEquals(8, inner, "ring of the 3x3 square (centre excluded)");
        assertEquals(12, outer, "4-adjacent background pixels (corners excluded)");
        assertEquals(0f, e[3 * w + 3], "centre is not edge");
        assertEquals(0f, e[1 * w + 1], "diagonal corner is not edge");
        assertEquals(1f, e[1 * w + 3]);
    }

    @Test
    void softMaskIsThresholdedAtHalfAndBorderIsNotAnEdge() {
        float[] m = {0.49f, 0.5f, 0.5f, 0.5f};
        float[] e = EdgeMaps.fromMask(m, 4, 1);
        assertArrayEquals(new float[] {1, 1, 0, 0}, e);
        // full foreground: image border is not a boundary
        assertArrayEquals(new float[4], EdgeMaps.fromMask(new float[] {1, 1, 1, 1}, 2, 2));
        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, 0, 0}, EdgeMaps.fromMask255(m, 4, 1));
    }
}
