package org.infnet.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import org.junit.jupiter.api.Test;

class ResamplingPyTorchTest {

    @Test
    void upsample2x2To4x4AlignCornersFalse() {
        // src = [[0, 1], [2, 3]]; x (and y) source coords: -0.25 -> 0, 0.25, 0.75, 1.25 -> clamp 1,
        // so weights along each axis are [0, 0.25, 0.75, 1] and out(x, y) = f[x] + 2 f[y]
        // (the same as torch.nn.functional.interpolate(..., 'bilinear', align_corners=False))
        float[] out = Resampling.bilinear(new float[] {0, 1, 2, 3}, 2, 2, 4, 4);
        assertArrayEquals(new float[] {
            0, 0.25f, 0.75f, 1,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2, 2.25f, 2.75f, 3}, out, 1e-6f);
    }

    @Test
    void downsample4x4To2x2() {
        // src(x, y) = x + 4y; dst 0 -> src 0.5, dst 1 -> src 2.5 along both axes
        float[] src = new float[16];
        for (int i = 0; i < 16; i++) {
            src[i] = i;
        }
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, Resampling.bilinear(src, 4, 4, 2, 2), 1e-6f);
    }

    @Test
    void nonIntegerRatio() {
        // 3 -> 2: scale 1.5, dst 0 -> 0.25, dst 1 -> 1.75: [2.5, 17.5] from [0, 10, 20]
        assertArrayEquals(new float[] {2.5f, 17.5f}, Resampling.bilinear(new float[] {0, 10, 20}, 3, 1, 2, 1), 1e-6f);
    }

    @Test
    void sameSizeIsACopyWithTheSameValues() {
        float[] a = {1, 2, 3, 4};
        float[] b = Resampling.bilinear(a, 2, 2, 2, 2);
        assertArrayEquals(a, b);
        assertNotSame(a, b, "the caller may modify the result without touching the input");
    }
}
