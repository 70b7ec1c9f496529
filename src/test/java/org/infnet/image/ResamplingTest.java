package org.infnet.image;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ResamplingTest {

    @Test
    void upsample2x2To4x4MatchesPyTorchAlignCornersFalse() {
        float[] out = Resampling.bilinear(new float[] {0, 1, 2, 3}, 2, 2, 4, 4);
        // torch.nn.functional.interpolate(t, size=(4,4), mode="bilinear", align_corners=False)
        float[] expected = {
            0.0f, 0.25f, 0.75f, 1.0f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2.0f, 2.25f, 2.75f, 3.0f};
        assertArrayEquals(expected, out, 1e-6f);
    }

    @Test
    void downsampleHalvesAverageNeighbourPairs() {
        // 4 -> 2: src = (d+0.5)*2-0.5 = 0.5, 2.5 -> mean of pixels (0,1) and (2,3)
        float[] row = {0, 2, 4, 6};
        assertArrayEquals(new float[] {1, 5}, Resampling.bilinear(row, 4, 1, 2, 1), 1e-6f);
        // 3 -> 2: src = 0.25, 1.75
        assertArrayEquals(new float[] {0.25f, 1.75f}, Resampling.bilinear(new float[] {0, 1, 2}, 3, 1, 2, 1), 1e-6f);
    }

    @Test
    void matchesDirectReferenceImplementationOnRandomSizes() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int w = 1 + r.nextInt(40), h = 1 + r.nextInt(40), w2 = 1 + r.nextInt(60), h2 = 1 + r.nextInt(60);
            float[] src = new float[w * h];
            for (int i = 0; i < src.length; i++) {
                src[i] = r.nextFloat() * 100;
            }
            float[] got = Resampling.bilinear(src, w, h, w2, h2);
            for (int y = 0; y < h2; y++) {
                for (int x = 0; x < w2; x++) {
                    assertEquals(reference(src, w, h, w2, h2, x, y), got[y * w2 + x], 1e-3,
                            "trial " + trial + " at " + x + "," + y);
                }
            }
        }
    }

    /** Straightforward per-pixel formula, written independently of the separable code. */
    private static double reference(float[] s, int w, int h, int w2, int h2, int x, int y) {
        double sx = Math.max(0, (x + 0.5) * w / w2 - 0.5), sy = Math.max(0, (y + 0.5) * h / h2 - 0.5);
        int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
        int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
        double ax = sx - x0, ay = sy - y0;
        double top = s[y0 * w + x0] * (1 - ax) + s[y0 * w + x1] * ax;
        double bot = s[y1 * w + x0] * (1 - ax) + s[y1 * w + x1] * ax;
        return top * (1 - ay) + bot * ay;
    }

    @Test
    void roundTripTo352AndBackKeepsSizeAndSmoothContent() {
        int w = 300, h = 217;
        float[] ramp = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ramp[y * w + x] = 0.3f * x + 0.2f * y;
            }
        }
        float[] up = Resampling.bilinear(ramp, w, h, 352, 352);
        assertEquals(352 * 352, up.length);
        float[] back = Resampling.bilinear(up, 352, 352, w, h);
        assertEquals(w * h, back.length);
        // interior of a linear ramp survives (borders are clamped)
        for (int y = 2; y < h - 2; y++) {
            for (int x = 2; x < w - 2; x++) {
                assertEquals(ramp[y * w + x], back[y * w + x], 0.05f);
            }
        }
        float[] same = Resampling.bilinear(ramp, w, h, w, h);
        assertArrayEquals(ramp, same);
        assertNotSame(ramp, same);
    }

    @Test
    void nearestKeepsLabelValuesAndFollowsPyTorch() {
        byte[] lab = {0, 1, 2, 3};
        byte[] up = Resampling.nearest(lab, 2, 2, 4, 4);
        assertArrayEquals(new byte[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3}, up);
        // 5 -> 2: floor(d*2.5) = 0, 2
        assertArrayEquals(new float[] {10, 12}, Resampling.nearest(new float[] {10, 11, 12, 13, 14}, 5, 1, 2, 1));
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> Resampling.bilinear(new float[5], 2, 2, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Resampling.bilinear(new float[4], 2, 2, 0, 4));
    }
}
