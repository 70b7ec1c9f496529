package org.infnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.infnet.train.data.EdgeMaps;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final int N = 32;

    /** An asymmetric "L"-shaped lesion, so flips and rotations are visible. */
    private static float[] lesion() {
        float[] m = new float[N * N];
        for (int y = 6; y < 22; y++) {
            for (int x = 5; x < 11; x++) {
                m[y * N + x] = 1;
            }
        }
        for (int y = 16; y < 22; y++) {
            for (int x = 11; x < 20; x++) {
                m[y * N + x] = 1;
            }
        }
        return m;
    }

    @Test
    void flipMovesEveryPixelToItsMirror() {
        float[] img = new float[N * N];
        for (int i = 0; i < img.length; i++) {
            img[i] = (i % 97) / 97f;
        }
        float[] mask = lesion();
        float[] edge = EdgeMaps.fromMask(mask, N, N);
        float[] i2 = img.clone();
        float[] m2 = mask.clone();
        float[] e2 = edge.clone();
        new Augmentation(1, 0, 0, 0).apply(i2, m2, e2, N, new SplittableRandom(1));
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                int mirror = y * N + (N - 1 - x);
                assertEquals(img[y * N + x], i2[mirror], 1e-6f, "image at " + x + "," + y);
                assertEquals(mask[y * N + x], m2[mirror], 1e-6f, "mask at " + x + "," + y);
                assertEquals(edge[y * N + x], e2[mirror], 1e-6f, "edge at " + x + "," + y);
            }
        }
        // a second flip restores the original
        new Augmentation(1, 0, 0, 0).apply(i2, m2, e2, N, new SplittableRandom(2));
        assertArrayEquals(img, i2, 1e-6f);
        assertArrayEquals(mask, m2, 1e-6f);
    }

    @Test
    void identityParametersLeaveArraysUnchanged() {
        float[] img = new float[N * N];
        for (int i = 0; i < img.length; i++) {
            img[i] = (i * 31 % 101) / 100f;
        }
        float[] mask = lesion();
        float[] edge = EdgeMaps.fromMask(mask, N, N);
        float[] i2 = img.clone();
        float[] m2 = mask.clone();
        float[] e2 = edge.clone();
        assertFalse(Augmentation.NONE.active());
        Augmentation.NONE.apply(i2, m2, e2, N, new SplittableRandom(3));
        assertArrayEquals(img, i2, 0f);
        assertArrayEquals(mask, m2, 0f);
        assertArrayEquals(edge, e2, 0f);
        // never flipping, zero rotation and zoom, no intensity change: also exactly the identity
        new Augmentation(0, 0, 0, 0).apply(i2, m2, e2, N, new SplittableRandom(4));
        assertArrayEquals(img, i2, 0f);
        assertArrayEquals(mask, m2, 0f);
    }

    @Test
    void imageAndLabelsStayAlignedUnderRandomWarps() {
        float[] mask = lesion();
        float[] edge = EdgeMaps.fromMask(mask, N, N);
        Augmentation geometric = new Augmentation(0.5, 15, 0.15, 0);
        int changed = 0;
        for (int seed = 0; seed < 20; seed++) {
            // lesion bright (0.9), background 0: the warp is linear, so image == 0.9 * mask exactly
            float[] img = new float[N * N];
            for (int i = 0; i < img.length; i++) {
                img[i] = 0.9f * mask[i];
            }
            float[] m2 = mask.clone();
            float[] e2 = edge.clone();
            geometric.apply(img, m2, e2, N, new SplittableRandom(seed));
            for (int i = 0; i < img.length; i++) {
                assertEquals(0.9f * m2[i], img[i], 1e-5f, "seed " + seed + " pixel " + i);
                assertTrue(m2[i] >= -1e-6f && m2[i] <= 1 + 1e-6f);
            }
            if (!java.util.Arrays.equals(m2, mask)) {
                changed++;
            }
        }
        assertTrue(changed >= 18, "warps should move the lesion, changed " + changed + " of 20");

        // with intensity changes too: every clear lesion pixel stays brighter than every clear background pixel
        Augmentation mild = Augmentation.MILD;
        for (int seed = 0; seed < 20; seed++) {
            float[] img = new float[N * N];
            for (int i = 0; i < img.length; i++) {
                img[i] = 0.3f + 0.5f * mask[i];
            }
            float[] m2 = mask.clone();
            float[] e2 = edge.clone();
            mild.apply(img, m2, e2, N, new SplittableRandom(100 + seed));
            float minLesion = 1;
            float maxBackground = 0;
            for (int y = 4; y < N - 4; y++) { // away from the zero-filled border of the rotated slice
                for (int x = 4; x < N - 4; x++) {
                    int i = y * N + x;
                    if (m2[i] > 0.99f) {
                        minLesion = Math.min(minLesion, img[i]);
                    } else if (m2[i] < 0.01f) {
                        maxBackground = Math.max(maxBackground, img[i]);
                    }
                }
            }
            assertTrue(minLesion > maxBackground, "seed " + seed + ": lesion " + minLesion + " vs background " + maxBackground);
        }
    }
}
