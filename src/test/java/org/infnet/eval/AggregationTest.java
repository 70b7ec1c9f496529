package org.infnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AggregationTest {

    @Test
    void curvesAreAveragedOverImagesBeforeMeanAndMax() {
        // image A: a perfect step map -> Dice 1 at high thresholds; image B: inverted -> Dice peaks low
        float[] a = {1, 1, 0, 0};
        float[] b = {0, 0, 1, 1};
        boolean[] g = {true, true, false, false};
        ImageScores sa = Evaluator.evaluate(a, g, 2, 2);
        ImageScores sb = Evaluator.evaluate(b, g, 2, 2);
        EvalAccumulator acc = new EvalAccumulator();
        acc.add(sa).add(sb);
        Summary s = acc.summary();
        double[] da = sa.dice();
        double[] db = sb.dice();
        double mean = 0;
        double max = 0;
        for (int j = 0; j < 256; j++) {
            double m = (da[j] + db[j]) / 2;
            mean += m / 256;
            max = Math.max(max, m);
        }
        assertEquals(2, s.images());
        assertEquals(mean, s.meanDic(), 1e-12);
        assertEquals(max, s.maxDic(), 1e-12);
        // hand values: A has Dice 1 at every t > 0 and 2*2/(2+4) = 2/3 at t = 0;
        // B has TP = 0 (Dice 0) for t > 0 and 2/3 at t = 0.
        // mean curve: 0.5 for j < 255, 2/3 at j = 255 -> max 2/3, mean (255 * 0.5 + 2/3) / 256
        assertEquals(2.0 / 3, s.maxDic(), 1e-12);
        assertEquals((255 * 0.5 + 2.0 / 3) / 256, s.meanDic(), 1e-12);
        // max of the mean curve (2/3) is below the mean of per-image maxima ((1 + 2/3) / 2)
        assertTrue(s.maxDic() < (sa.maxDice() + sb.maxDice()) / 2);
        assertEquals((sa.sMeasure() + sb.sMeasure()) / 2, s.sm(), 1e-12);
        assertEquals((sa.mae() + sb.mae()) / 2, s.mae(), 1e-12);
        assertEquals((sa.adaptiveDice() + sb.adaptiveDice()) / 2, s.adpDic(), 1e-12);
        assertEquals((sa.meanEMeasure() + sb.meanEMeasure()) / 2, s.meanEm(), 1e-12);
        assertEquals(s.meanDic(), acc.meanDice(), 1e-12);
        MeanCurves c = acc.meanCurves();
        assertEquals(1.0, c.thresholds()[0]);
        assertEquals(0.5, c.dice()[0], 1e-12);
        assertEquals(2.0 / 3, c.dice()[255], 1e-12);
    }

    @Test
    void emptyAccumulatorGivesNaNAndResetForgets() {
        EvalAccumulator acc = new EvalAccumulator();
        Summary s = acc.summary();
        assertEquals(0, s.images());
        assertTrue(Double.isNaN(s.meanDic()) && Double.isNaN(s.maxDic()) && Double.isNaN(s.sm()));
        assertTrue(Double.isNaN(acc.meanDice()));
        acc.add(new float[] {0, 1}, new boolean[] {false, true}, 2, 1);
        assertEquals(1, acc.count());
        acc.reset();
        assertEquals(0, acc.count());
        assertTrue(Double.isNaN(acc.summary().meanEm()));
    }

    @Test
    void streamingEqualsBatch() {
        Random r = new Random(3);
        EvalAccumulator acc = new EvalAccumulator();
        double sumMeanDice = 0;
        for (int k = 0; k < 5; k++) {
            float[] p = new float[64];
            float[] g = new float[64];
            for (int i = 0; i < 64; i++) {
                p[i] = r.nextFloat() * 10 - 3;
                g[i] = r.nextBoolean() ? 255 : 0;
            }
            sumMeanDice += acc.add(p, g, 8, 8).meanDice();
        }
        // meanDic = mean over thresholds of the image-mean curve = mean over images of per-image mean
        assertEquals(sumMeanDice / 5, acc.summary().meanDic(), 1e-12);
    }

    @Test
    void paperFormat() {
        Summary s = new Summary(48, 0.6821, 0.6924, 0.9426, 0.7813, 0.8384, 0.0824,
                0.7, 0.95, 1.0, 0.9, 0.65, 0.6, 0.97, 0.88);
        assertEquals("meanDic:0.682;meanSen:0.692;meanSpe:0.943;Sm:0.781;meanEm:0.838;MAE:0.082", s.formatLine());
        assertEquals("maxDic:0.700;maxSen:0.950;maxSpe:1.000;maxEm:0.900;adpDic:0.650;adpSen:0.600;"
                + "adpSpe:0.970;adpEm:0.880", s.formatMaxAdaptiveLine());
        assertEquals(s.formatLine() + "\n" + s.formatMaxAdaptiveLine(), s.format());
    }
}
