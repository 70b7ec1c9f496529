package org.infnet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hand-computed cases for every per-image metric. */
class MetricsTest {

    private static final double TOL = 1e-12;

    private static boolean[] mask(int... bits) {
        boolean[] m = new boolean[bits.length];
        for (int i = 0; i < bits.length; i++) {
            m[i] = bits[i] != 0;
        }
        return m;
    }

    // ------------------------------------------------------------------ thresholds

    @Test
    void thresholdsGoFromOneDownToZeroInSteps() {
        double[] t = Thresholds.values();
        assertEquals(256, t.length);
        assertEquals(1.0, t[0]);
        assertEquals(0.0, t[255]);
        for (int j = 0; j < 256; j++) {
            assertEquals((255 - j) / 255.0, t[j]);
            assertEquals(t[j], Thresholds.value(j));
            if (j > 0) {
                assertTrue(t[j] < t[j - 1]);
            }
        }
        assertEquals(204 / 255.0, 0.8); // used below: 0.8 is exactly threshold index 51
    }

    @Test
    void levelIsTheNumberOfPassedThresholdsMinusOne() {
        for (int k = 0; k <= 255; k++) {
            assertEquals(k, Thresholds.level(k / 255.0), "k=" + k);
            if (k > 0) {
                assertEquals(k - 1, Thresholds.level(Math.nextDown(k / 255.0)), "below k=" + k);
            }
        }
        assertEquals(255, Thresholds.level(1.0));
        assertEquals(0, Thresholds.level(0.0));
        assertEquals(0, Thresholds.level(1e-300));
    }

    // ------------------------------------------------------------------ normalisation & GT

    @Test
    void minMaxNormalisation() {
        assertArrayEquals(new double[] {0, 0.5, 1}, Metrics.normalize(new float[] {2, 4, 6}), TOL);
        assertArrayEquals(new double[] {0, 1, 0.25}, Metrics.normalize(new float[] {-1, 1, -0.5f}), TOL);
        double[] n = Metrics.normalize(new float[] {0.3f, 0.7f, 0.5f});
        assertEquals(0.0, n[0]);
        assertEquals(1.0, n[1]); // max maps to exactly 1, so it passes threshold 1
        // constant map: (p - min) / (max - min + 1e-8) = 0 everywhere
        assertArrayEquals(new double[] {0, 0, 0}, Metrics.normalize(new float[] {3, 3, 3}), 0);
        assertArrayEquals(new double[] {0, 0.5, 1}, Metrics.normalize(new double[] {10, 20, 30}), TOL);
        assertThrows(IllegalArgumentException.class, () -> Metrics.normalize(new float[] {0, Float.NaN}));
    }

    @Test
    void gtIsStrictlyAbove128() {
        assertArrayEquals(mask(0, 0, 1, 1, 0), Metrics.gtMask(new float[] {0, 128, 128.5f, 255, 1}));
        assertArrayEquals(mask(0, 0, 1, 1), Metrics.gtMask(new byte[] {0, (byte) 128, (byte) 129, (byte) 255}));
    }

    // ------------------------------------------------------------------ confusion, Dice, Sen, Spe

    // 3x3 map (already in [0,1]) and GT (|GT| = 4: the 0.4, 0.8, 1.0, 0.9 pixels)
    private static final double[] P9 = {0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.1, 0.5, 0.9};
    private static final boolean[] G9 = mask(0, 0, 1, 0, 1, 1, 0, 0, 1);

    @Test
    void confusionAtHalfByHand() {
        // pred >= 0.5: {0.6, 0.8, 1.0, 0.5, 0.9}; TP = {0.8, 1.0, 0.9} = 3, FP = {0.6, 0.5} = 2,
        // FN = {0.4} = 1, TN = 9 - 6 = 3
        Confusion c = Metrics.confusion(P9, G9, 0.5);
        assertEquals(new Confusion(3, 2, 1, 3), c);
        assertEquals(2.0 * 3 / (4 + 5), c.dice(), TOL); // 2/3
        assertEquals(c.dice(), c.f1());
        assertEquals(3.0 / 4, c.sensitivity(), TOL);
        assertEquals(3.0 / (3 + 2), c.specificity(), TOL); // 0.6
        assertEquals(3.0 / 5, c.precision(), TOL);
        assertEquals(3.0 / (3 + 2 + 1), c.iou(), TOL); // 0.5
        // F (beta^2 = 0.3) = 1.3 * 0.6 * 0.75 / (0.3 * 0.6 + 0.75) = 0.585 / 0.93
        assertEquals(0.585 / 0.93, c.fMeasure(), TOL);
    }

    @Test
    void confusionCurveByHandAtSeveralThresholds() {
        Confusion[] curve = Metrics.confusionCurve(P9, G9);
        // j = 0, t = 1: only the 1.0 pixel (GT) -> TP 1, FP 0, FN 3, TN 5
        assertEquals(new Confusion(1, 0, 3, 5), curve[0]);
        assertEquals(2.0 / 5, curve[0].dice(), TOL);
        assertEquals(0.25, curve[0].sensitivity(), TOL);
        assertEquals(1.0, curve[0].specificity(), TOL);
        // j = 50, t = 205/255 = 0.8039: {1.0, 0.9} -> TP 2
        assertEquals(new Confusion(2, 0, 2, 5), curve[50]);
        // j = 51, t = 204/255 = 0.8 exactly: pred >= t includes the 0.8 pixel -> TP 3
        assertEquals(new Confusion(3, 0, 1, 5), curve[51]);
        assertEquals(6.0 / 7, curve[51].dice(), TOL);
        assertEquals(0.75, curve[51].sensitivity(), TOL);
        assertEquals(1.0, curve[51].specificity(), TOL);
        // j = 52, t = 0.796: same set
        assertEquals(curve[51], curve[52]);
        // j = 255, t = 0: everything -> TP 4, FP 5, FN 0, TN 0; Spe = 0 / 5
        assertEquals(new Confusion(4, 5, 0, 0), curve[255]);
        assertEquals(8.0 / 13, curve[255].dice(), TOL);
        assertEquals(1.0, curve[255].sensitivity(), TOL);
        assertEquals(0.0, curve[255].specificity(), TOL);
        // the histogram path agrees with the direct one at every threshold
        for (int j = 0; j < 256; j++) {
            assertEquals(Metrics.confusion(P9, G9, Thresholds.value(j)), curve[j], "j=" + j);
        }
    }

    @Test
    void tpZeroGivesZeroForEveryScore() {
        // 2x2: the only high pixel is background; GT is the last pixel
        double[] p = {1.0, 0.0, 0.0, 0.0};
        boolean[] g = mask(0, 0, 0, 1);
        Confusion c = Metrics.confusionCurve(p, g)[0]; // t = 1
        assertEquals(new Confusion(0, 1, 1, 2), c);
        assertEquals(0.0, c.dice());
        assertEquals(0.0, c.sensitivity());
        assertEquals(0.0, c.specificity()); // would be 2/3 without the toolbox's TP = 0 rule
        assertEquals(0.0, c.precision());
        assertEquals(0.0, c.iou());
        assertEquals(0.0, c.fMeasure());
        // empty GT: TP is always 0, so Dice = Sen = Spe = 0 at every threshold
        ImageScores s = Evaluator.evaluateNormalized(p, new boolean[4], 2, 2);
        for (int j = 0; j < 256; j++) {
            assertEquals(0.0, s.dice()[j]);
            assertEquals(0.0, s.specificity()[j]);
        }
    }

    @Test
    void curvesAreMonotoneInThresholdOrder() {
        java.util.Random r = new java.util.Random(1);
        double[] p = new double[500];
        boolean[] g = new boolean[500];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextDouble();
            g[i] = r.nextDouble() < 0.3;
        }
        Confusion[] c = Metrics.confusionCurve(p, g);
        for (int j = 1; j < 256; j++) {
            assertTrue(c[j].predictedPositives() >= c[j - 1].predictedPositives());
            assertTrue(c[j].tp() >= c[j - 1].tp());
            assertEquals(500, c[j].total());
            assertEquals(c[0].gtPositives(), c[j].gtPositives());
        }
    }

    // ------------------------------------------------------------------ E-measure

    @Test
    void eMeasureByHand() {
        // FM = [1,0,0,0], GT = [1,1,0,0]: mu_FM = 0.25, mu_GT = 0.5
        // (1,1): a = 0.75, b = 0.5  -> align = 0.75/0.8125 = 12/13, enhanced = (25/13)^2/4 = 625/676
        // (0,1): a = -0.25, b = 0.5 -> align = -0.25/0.3125 = -0.8, enhanced = 0.2^2/4 = 0.01
        // (0,0): a = -0.25, b = -0.5 -> align = 0.8, enhanced = 1.8^2/4 = 0.81 (two pixels)
        // score = (625/676 + 0.01 + 1.62) / (4 - 1)
        double expected = (625.0 / 676 + 0.01 + 1.62) / 3;
        boolean[] fm = mask(1, 0, 0, 0);
        boolean[] gt = mask(1, 1, 0, 0);
        assertEquals(expected, Metrics.eMeasure(fm, gt), 1e-12);
        assertEquals(expected, Metrics.eMeasure(1, 0, 1, 2), 1e-12);
        assertEquals(expected, new Confusion(1, 0, 1, 2).eMeasure(), 1e-12);
    }

    @Test
    void eMeasureEmptyAndFullGt() {
        boolean[] fm = mask(1, 0, 0, 0);
        // empty GT: sum(1 - FM) / (N - 1) = 3 / 3
        assertEquals(1.0, Metrics.eMeasure(fm, new boolean[4]), 1e-12);
        assertEquals(1.0, Metrics.eMeasure(0, 1, 0, 3), 1e-12);
        // full GT: sum(FM) / (N - 1) = 1 / 3
        assertEquals(1.0 / 3, Metrics.eMeasure(fm, mask(1, 1, 1, 1)), 1e-12);
        assertEquals(1.0 / 3, Metrics.eMeasure(1, 0, 3, 0), 1e-12);
        // the original divides by N - 1, so a perfect map on a full GT would score N / (N - 1) = 4/3: capped at 1
        assertEquals(1.0, Metrics.eMeasure(mask(1, 1, 1, 1), mask(1, 1, 1, 1)), 1e-12);
        assertEquals(1.0, Metrics.eMeasure(4, 0, 0, 0), 1e-12);
        // an empty map on an empty GT likewise
        assertEquals(1.0, Metrics.eMeasure(new boolean[4], new boolean[4]), 1e-12);
    }

    @Test
    void countBasedEMeasureEqualsPerPixelAtEveryThreshold() {
        java.util.Random r = new java.util.Random(7);
        for (int trial = 0; trial < 30; trial++) {
            int n = 1 + r.nextInt(400) + 1;
            double[] p = new double[n];
            boolean[] g = new boolean[n];
            double gtRate = trial % 10 == 0 ? 0.0 : trial % 10 == 1 ? 1.0 : r.nextDouble();
            for (int i = 0; i < n; i++) {
                // half the trials use 8-bit-quantised values that sit exactly on thresholds
                p[i] = trial % 2 == 0 ? r.nextInt(256) / 255.0 : r.nextDouble();
                g[i] = r.nextDouble() < gtRate;
            }
            Confusion[] curve = Metrics.confusionCurve(p, g);
            for (int j = 0; j < 256; j++) {
                double t = Thresholds.value(j);
                boolean[] fm = new boolean[n];
                for (int i = 0; i < n; i++) {
                    fm[i] = p[i] >= t;
                }
                assertEquals(Metrics.confusion(p, g, t), curve[j]);
                double direct = Metrics.eMeasure(fm, g);
                assertEquals(direct, curve[j].eMeasure(), 1e-12 * Math.max(1, direct), "trial " + trial + " j " + j);
            }
        }
    }

    // ------------------------------------------------------------------ MAE & adaptive

    @Test
    void maeByHand() {
        // |0 - 0.2| + |1 - 0.8| + |1 - 0.5| + |0 - 0| = 0.9, / 4
        assertEquals(0.225, Metrics.mae(new double[] {0.2, 0.8, 0.5, 0.0}, mask(0, 1, 1, 0)), TOL);
        assertEquals(0.0, Metrics.mae(new double[] {1, 0}, mask(1, 0)), TOL);
    }

    @Test
    void adaptiveThresholdAndScores() {
        double[] p = {0.0, 0.1, 0.2, 0.5};
        // mean 0.2 -> threshold 0.4 -> binary {0.5}
        assertEquals(0.4, Metrics.adaptiveThreshold(p), TOL);
        assertEquals(1.0, Metrics.adaptiveThreshold(new double[] {1, 1, 1, 0})); // 2 * 0.75 capped at 1
        ImageScores s = Evaluator.evaluateNormalized(p, mask(0, 0, 1, 1), 2, 2);
        // GT = {0.2, 0.5}: TP 1 (0.5), FN 1 (0.2), FP 0, TN 2
        assertEquals(new Confusion(1, 0, 1, 2), s.adaptiveConfusion());
        assertEquals(2.0 / 3, s.adaptiveDice(), TOL);
        assertEquals(0.5, s.adaptiveSensitivity(), TOL);
        assertEquals(1.0, s.adaptiveSpecificity(), TOL);
        boolean[] fm = mask(0, 0, 0, 1);
        assertEquals(Metrics.eMeasure(fm, mask(0, 0, 1, 1)), s.adaptiveEMeasure(), 1e-12);
        // Dice at the fixed threshold 0.5: same binary map here
        assertEquals(2.0 / 3, s.diceAtHalf(), TOL);
    }

    // ------------------------------------------------------------------ S-measure

    @Test
    void sMeasureEmptyAndFullGt() {
        double[] p = {0.2, 0.4, 0.6, 0.0};
        // empty GT: 1 - mean = 1 - 0.3
        assertEquals(0.7, Metrics.sMeasure(p, new boolean[4], 2, 2), TOL);
        // full GT: mean = 0.3
        assertEquals(0.3, Metrics.sMeasure(p, mask(1, 1, 1, 1), 2, 2), TOL);
    }

    @Test
    void centroidIsOneBasedAndRoundedHalfUp() {
        // 3x3, GT at (x,y) = (1,1), (2,1), (1,2): X = round(4/3) = 1, Y = round(4/3) = 1
        assertArrayEquals(new int[] {1, 1}, Metrics.centroid(mask(1, 1, 0, 1, 0, 0, 0, 0, 0), 3, 3));
        // 2x2, left column: X = 1, Y = round(1.5) = 2
        assertArrayEquals(new int[] {1, 2}, Metrics.centroid(mask(1, 0, 1, 0), 2, 2));
        // 4x1, GT at x = 2, 3: X = round(2.5) = 3
        assertArrayEquals(new int[] {3, 1}, Metrics.centroid(mask(0, 1, 1, 0), 4, 1));
        // empty: (round(W/2), round(H/2))
        assertArrayEquals(new int[] {3, 2}, Metrics.centroid(new boolean[15], 5, 3));
    }

    @Test
    void sMeasure3x3ByHand() {
        // pred (row-major)      GT
        //   0.9 0.6 0.1         1 1 0
        //   0.7 0.3 0.0         1 0 0
        //   0.2 0.1 0.0         0 0 0
        double[] p = {0.9, 0.6, 0.1, 0.7, 0.3, 0.0, 0.2, 0.1, 0.0};
        boolean[] g = mask(1, 1, 0, 1, 0, 0, 0, 0, 0);
        //
        // S_object, u = 3/9.
        //   FG values {0.9, 0.6, 0.7}: x = 2.2/3, sample var = (1/6^2 + 2/15^2 + 1/30^2)/2 = 0.07/3
        //   O_FG = 2x / (x^2 + 1 + sqrt(var))
        //   BG values 1 - {0.1, 0.3, 0.0, 0.2, 0.1, 0.0} = {0.9, 0.7, 1, 0.8, 0.9, 1}: x = 5.3/6,
        //   sum of squared deviations = 0.0683333.. = 0.41/6, sample var = 0.41/30
        double xf = 2.2 / 3;
        double of = 2 * xf / (xf * xf + 1 + Math.sqrt(0.07 / 3));
        double xb = 5.3 / 6;
        double ob = 2 * xb / (xb * xb + 1 + Math.sqrt(0.41 / 30));
        double sObject = of / 3 + 2 * ob / 3;
        assertEquals(sObject, Metrics.sObject(p, g), 1e-12);
        assertEquals(0.909996, sObject, 1e-6);
        //
        // S_region: centroid (X, Y) = (1, 1), area 9.
        //   LT = 1 pixel {0.9 | 1}: N-1 = 0 -> variances 0, alpha = beta = 0 -> Q1 = 1, w1 = 1/9
        //   RT = {0.6 | 1, 0.1 | 0}: mx = 0.35, my = 0.5, vx = 0.125, vy = 0.5, cov = 0.25
        //        alpha = 4 * 0.35 * 0.5 * 0.25 = 0.175, beta = (0.1225 + 0.25)(0.625) = 0.2328125
        //        Q2 = 0.175 / 0.2328125, w2 = 2/9
        //   LB = {0.7 | 1, 0.2 | 0}: mx = 0.45, same v's and cov: alpha = 0.225,
        //        beta = (0.2025 + 0.25)(0.625) = 0.2828125, Q3 = 0.225 / 0.2828125, w3 = 2/9
        //   RB = {0.3, 0.0, 0.1, 0.0 | all 0}: my = 0 -> alpha = 0, beta > 0 -> Q4 = 0, w4 = 4/9
        double q2 = 0.175 / 0.2328125;
        double q3 = 0.225 / 0.2828125;
        double sRegion = 1.0 / 9 + 2.0 / 9 * q2 + 2.0 / 9 * q3;
        assertEquals(sRegion, Metrics.sRegion(p, g, 3, 3), 1e-12);
        assertEquals(0.454947, sRegion, 1e-6);
        assertEquals(0.5 * sObject + 0.5 * sRegion, Metrics.sMeasure(p, g, 3, 3), 1e-12);
        // a direct numpy transcription of the spec gives 0.6824712644259565
        assertEquals(0.6824712644259565, Metrics.sMeasure(p, g, 3, 3), 1e-12);
    }

    @Test
    void sMeasure2x2WithZeroRegionTerm() {
        // pred 0.8 0.2 / 0.4 0.0, GT = left column. u = 0.5
        //   FG {0.8, 0.4}: x = 0.6, std = sqrt(0.08) -> O_FG = 1.2 / (1.36 + sqrt(0.08))
        //   BG 1 - {0.2, 0.0} = {0.8, 1.0}: x = 0.9, std = sqrt(0.02) -> O_BG = 1.8 / (1.81 + sqrt(0.02))
        // centroid (1, 2): LT = left column (w 1/2), RT = right column (w 1/2), LB, RB empty (w 0)
        //   LT: GT all 1 -> cov = 0 -> alpha = 0, beta = (0.36 + 1) * 0.08 > 0 -> 0
        //   RT: GT all 0 -> alpha = 0, beta = 0.01 * 0.02 > 0 -> 0
        double[] p = {0.8, 0.2, 0.4, 0.0};
        boolean[] g = mask(1, 0, 1, 0);
        double sObj = 0.5 * 1.2 / (1.36 + Math.sqrt(0.08)) + 0.5 * 1.8 / (1.81 + Math.sqrt(0.02));
        assertEquals(0.0, Metrics.sRegion(p, g, 2, 2), 0);
        assertEquals(0.5 * sObj, Metrics.sMeasure(p, g, 2, 2), 1e-12);
    }

    @Test
    void sMeasureIsFlooredAtZero() {
        // 4x1, GT = 1 0 1 0, pred = its inverse.
        // S_object: pred on GT = {0, 0} -> O_FG = 0; 1 - pred on BG = {0, 0} -> O_BG = 0.
        // centroid X = round(2) = 2, Y = 1: LT = cols 1..2, RT = cols 3..4 (w 1/2 each), LB/RB empty.
        //   each: mx = my = 0.5, vx = vy = 0.5, cov = -0.5 -> alpha = -0.5, beta = 0.5 -> Q = -1
        // S = 0.5 * 0 + 0.5 * (-1) = -0.5 -> floored at 0
        double[] p = {0, 1, 0, 1};
        boolean[] g = mask(1, 0, 1, 0);
        assertEquals(-1.0, Metrics.sRegion(p, g, 4, 1), 1e-12);
        assertEquals(0.0, Metrics.sMeasure(p, g, 4, 1), 0);
    }

    @Test
    void perfectPredictionScores() {
        double[] p = {1, 0, 0, 1, 1, 0};
        boolean[] g = mask(1, 0, 0, 1, 1, 0);
        ImageScores s = Evaluator.evaluateNormalized(p, g, 3, 2);
        assertEquals(1.0, s.maxDice(), TOL);
        assertEquals(1.0, s.dice()[0], TOL);
        assertEquals(0.0, s.mae(), TOL);
        // S_object = 0.5 * 2/(2 + eps) * 2 ~ 1; region: every quadrant has cov = vx = vy or alpha = beta = 0
        assertEquals(1.0, s.sMeasure(), 1e-12);
        // E-measure of the perfect binary map: the toolbox's N / (N - 1) = 6/5, capped at 1
        assertEquals(1.0, s.eMeasure()[0], 1e-12);
    }

    @Test
    void sizeMismatchIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.confusion(new double[3], new boolean[4], 0.5));
        assertThrows(IllegalArgumentException.class, () -> Metrics.sMeasure(new double[4], new boolean[4], 3, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Evaluator.evaluate(new float[4], new boolean[4], 2, 3));
    }
}
