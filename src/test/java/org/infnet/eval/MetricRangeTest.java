package org.infnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every score of every image stays in [0,1] (issue 19, item 18): a 1x1 GT gave meanEm 8796093022208.498 (the
 * toolbox divides by N - 1) and Spe NaN (0 / 0 for a GT without background). Exhaustive over all tiny images, then
 * random ones.
 */
class MetricRangeTest {

    private static void assertInRange(ImageScores s, String what) {
        double[][] curves = {s.dice(), s.sensitivity(), s.specificity(), s.precision(), s.iou(), s.eMeasure()};
        for (double[] c : curves) {
            for (double v : c) {
                assertTrue(v >= 0 && v <= 1, what + ": " + v);
            }
        }
        double[] single = {s.meanDice(), s.maxDice(), s.meanSensitivity(), s.meanSpecificity(), s.maxSpecificity(),
            s.meanEMeasure(), s.maxEMeasure(), s.sMeasure(), s.mae(), s.adaptiveDice(), s.adaptiveSensitivity(),
            s.adaptiveSpecificity(), s.adaptiveEMeasure(), s.diceAtHalf()};
        for (double v : single) {
            assertTrue(v >= 0 && v <= 1, what + ": " + v);
        }
    }

    @Test
    void everyTinyImageScoresInRange() {
        int cases = 0;
        for (int[] size : new int[][] {{1, 1}, {1, 2}, {2, 1}, {1, 3}, {2, 2}}) {
            int n = size[0] * size[1];
            for (int gtBits = 0; gtBits < 1 << n; gtBits++) {
                boolean[] gt = new boolean[n];
                for (int i = 0; i < n; i++) {
                    gt[i] = (gtBits >> i & 1) == 1;
                }
                int base = n < 4 ? 3 : 2; // values 0, 0.5, 1 (0 and 1 for 2x2)
                int levels = (int) Math.pow(base, n);
                for (int p = 0; p < levels; p++) {
                    float[] pred = new float[n];
                    for (int i = 0, q = p; i < n; i++, q /= base) {
                        pred[i] = (q % base) / (base - 1f);
                    }
                    assertInRange(Evaluator.evaluate(pred, gt, size[0], size[1]), size[0] + "x" + size[1] + " gt "
                            + gtBits + " pred " + java.util.Arrays.toString(pred));
                    cases++;
                }
            }
        }
        assertEquals(2 * 3 + 2 * (4 * 9) + 8 * 27 + 16 * 16, cases);
    }

    @Test
    void onePixelGtScoresAtMostOne() {
        ImageScores s = Evaluator.evaluate(new float[] {1}, new boolean[] {true}, 1, 1);
        assertEquals(1.0, s.maxDice(), "at threshold 0 the pixel is foreground");
        assertEquals(1.0, s.maxEMeasure(), "2^52 before");
        assertEquals(1.0, s.maxSpecificity(), "NaN before: a full GT has no negative pixel to get wrong");
        s = Evaluator.evaluate(new float[] {1}, new boolean[] {false}, 1, 1);
        assertEquals(1.0, s.maxEMeasure(), "the empty map at thresholds above 0 is right");
        assertEquals(0.0, s.maxDice(), "no foreground to find");
    }

    @Test
    void randomImagesScoreInRange() {
        Random r = new Random(19);
        for (int t = 0; t < 300; t++) {
            int w = 1 + r.nextInt(12);
            int h = 1 + r.nextInt(12);
            float[] pred = new float[w * h];
            boolean[] gt = new boolean[w * h];
            double rate = t % 3 == 0 ? 0 : t % 3 == 1 ? 1 : r.nextDouble();
            for (int i = 0; i < pred.length; i++) {
                pred[i] = t % 5 == 0 ? (r.nextBoolean() ? 1f : 0f) : r.nextFloat();
                gt[i] = r.nextDouble() < rate;
            }
            assertInRange(Evaluator.evaluate(pred, gt, w, h), "trial " + t + " " + w + "x" + h);
        }
    }
}
