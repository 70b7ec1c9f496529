package org.infnet.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ResizeTest {

    @Test
    void alignCornersTrueUpsamplesLikePyTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
            float[] y = Resize.scale(x, 2, true).toFloatArray();
            // torch.nn.functional.interpolate(x, scale_factor=2, mode='bilinear', align_corners=True)
            assertArrayEquals(new float[] {0, 1 / 3f, 2 / 3f, 1}, slice(y, 0, 4), 1e-6f);
            assertArrayEquals(new float[] {2, 7 / 3f, 8 / 3f, 3}, slice(y, 12, 4), 1e-6f);
        }
    }

    @Test
    void alignCornersFalseUpsamplesLikePyTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
            float[] y = Resize.scale(x, 2, false).toFloatArray();
            // align_corners=False, no antialias: 0, .25, .75, 1 on the first row
            assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, slice(y, 0, 4), 1e-6f);
            assertArrayEquals(new float[] {0.5f, 0.75f, 1.25f, 1.5f}, slice(y, 4, 4), 1e-6f);
        }
    }

    @Test
    void downscaleByQuarterAveragesTheTwoCentralPixelsWithoutAntialiasing() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = new float[32];
            for (int i = 0; i < 32; i++) {
                v[i] = i % 8;
            }
            NDArray x = m.create(v, new Shape(1, 1, 4, 8));
            // scale 0.25: src = 4 * (o + 0.5) - 0.5 = 1.5 and 5.5, i.e. means of pixels (1,2) and (5,6)
            assertArrayEquals(new float[] {1.5f, 5.5f}, Resize.scale(x, 0.25, false).toFloatArray(), 1e-6f);
            float[] w = Resize.matrix(8, 2, false, 0.25);
            assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5f, 0.5f, 0}, w, 1e-6f);
        }
    }

    @Test
    void severalChannelsGiveEachChannelsOwnResizeInBothLayoutsAndBothDirections() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1, 1, new Shape(2, 5, 12, 9));
            NDArray channelsLast = ChannelsLast.copyOf(x, m);
            for (boolean align : new boolean[] {false, true}) {
                for (double s : new double[] {2, 0.5, 0.25, 1.0 / 3}) {
                    for (NDArray in : new NDArray[] {x, channelsLast}) {
                        NDArray y = Resize.scale(in, s, align);
                        for (int b = 0; b < 2; b++) {
                            for (int c = 0; c < 5; c++) {
                                NDArray plane = x.get(b).get(c).reshape(1, 1, 12, 9); // one channel: planar path
                                assertArrayEquals(Resize.scale(plane, s, align).toFloatArray(),
                                        y.get(b).get(c).toFloatArray(), 1e-6f, "scale " + s + " align " + align);
                            }
                        }
                        assertArrayEquals(new long[] {2, 5, (long) Math.floor(12 * s), (long) Math.floor(9 * s)},
                                y.getShape().getShape());
                    }
                }
                NDArray to = Resize.to(channelsLast, 7, 20, align);
                assertArrayEquals(Resize.to(x.get(1).get(3).reshape(1, 1, 12, 9), 7, 20, align).toFloatArray(),
                        to.get(1).get(3).toFloatArray(), 1e-6f);
            }
        }
    }

    private static float[] slice(float[] a, int from, int n) {
        float[] r = new float[n];
        System.arraycopy(a, from, r, 0, n);
        return r;
    }
}
