package org.infnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused 3-pass {@link Evaluator} equals the straightforward {@link Metrics} functions. */
class FusedEqualsReferenceTest {

    @Test
    void identicalOnRandomMapsOfManyShapes() {
        Random r = new Random(42);
        int[][] sizes = {{1, 1}, {1, 7}, {7, 1}, {2, 2}, {3, 5}, {16, 9}, {33, 20}, {64, 64}};
        for (int[] sz : sizes) {
            for (int trial = 0; trial < 12; trial++) {
                int w = sz[0];
                int h = sz[1];
                int n = w * h;
                double[] p = new double[n];
                boolean[] g = new boolean[n];
                int mode = trial % 6; // 0: empty GT, 1: full GT, 2: blob, else random
                double cx = r.nextDouble() * w;
                double cy = r.nextDouble() * h;
                double rad = 1 + r.nextDouble() * Math.max(w, h) / 2.0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int i = y * w + x;
                        p[i] = trial % 2 == 0 ? r.nextInt(256) / 255.0 : r.nextDouble();
                        g[i] = switch (mode) {
                            case 0 -> false;
                            case 1 -> true;
                            case 2 -> Math.hypot(x - cx, y - cy) < rad;
                            default -> r.nextDouble() < 0.4;
                        };
                    }
                }
                String ctx = w + "x" + h + " trial " + trial;
                ImageScores s = Evaluator.evaluateNormalized(p, g, w, h);
                Confusion[] ref = Metrics.confusionCurve(p, g);
                for (int j = 0; j < 256; j++) {
                    assertEquals(ref[j], s.confusion(j), ctx);
                    assertEquals(Metrics.confusion(p, g, Thresholds.value(j)), s.confusion(j), ctx);
                }
                assertEquals(Metrics.sMeasure(p, g, w, h), s.sMeasure(), 0.0, ctx);
                assertEquals(Metrics.mae(p, g), s.mae(), 0.0, ctx);
                double t = Metrics.adaptiveThreshold(p);
                assertEquals(t, s.adaptiveThreshold(), 0.0, ctx);
                assertEquals(Metrics.confusion(p, g, t), s.adaptiveConfusion(), ctx);
                assertEquals(Metrics.confusion(p, g, 0.5), s.confusionAtHalf(), ctx);
            }
        }
    }
}
