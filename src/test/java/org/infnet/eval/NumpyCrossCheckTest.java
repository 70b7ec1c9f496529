package org.infnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Cross-check against a direct numpy transcription of the toolbox (INF-NET.md section 6: per-pixel
 * Fmeasure_calu and Enhancedmeasure at each of the 256 thresholds (255-j)/255, StructureMeasure with
 * 1-based rounded centroid, MAE, adaptive threshold min(2 mean, 1)), run once with numpy 2.4 on the
 * deterministic 24x20 inputs built below; the expected numbers are its printed output.
 */
class NumpyCrossCheckTest {

    private static final int W = 24;
    private static final int H = 20;

    private static boolean[] gt() {
        boolean[] g = new boolean[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double dx = x - 9.3;
                double dy = y - 11.7;
                g[y * W + x] = dx * dx + dy * dy < 36.0;
            }
        }
        return g;
    }

    private static long hash(int i) {
        return (i * 2654435761L) & 0xFFFFFFFFL;
    }

    @Test
    void smoothMap() {
        double[] pred = new double[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = y * W + x;
                double d2 = (x - 10) * (x - 10) + (y - 11) * (y - 11);
                pred[i] = 0.7 * (1.0 / (1.0 + d2 / 30.0)) + 0.3 * (hash(i) / 4294967296.0);
            }
        }
        ImageScores s = Evaluator.evaluate(pred, gt(), W, H);
        double tol = 1e-12;
        assertEquals(0.44263897691975218, s.meanDice(), tol);
        assertEquals(0.77391304347826084, s.maxDice(), tol);
        assertEquals(0.58728448275862066, s.meanSensitivity(), tol);
        assertEquals(1.0, s.maxSensitivity(), tol);
        assertEquals(0.72503863324175821, s.meanSpecificity(), tol);
        assertEquals(1.0, s.maxSpecificity(), tol);
        assertEquals(0.4769100932262112, s.meanEMeasure(), tol);
        assertEquals(0.89836435611985122, s.maxEMeasure(), tol);
        assertEquals(0.67017219486915369, s.sMeasure(), tol);
        assertEquals(0.30741926742000286, s.mae(), tol);
        assertEquals(0.3776223776223776, s.adaptiveDice(), tol);
        assertEquals(0.23275862068965517, s.adaptiveSensitivity(), tol);
        assertEquals(1.0, s.adaptiveSpecificity(), tol);
        assertEquals(0.4836213306305222, s.adaptiveEMeasure(), tol);
        assertEquals(0.017094017094017096, s.dice()[0], tol);
        assertEquals(0.7692307692307693, s.dice()[128], tol);
        assertEquals(0.8888063160618284, s.eMeasure()[128], tol);
    }

    @Test
    void eightBitMapWithValuesExactlyOnThresholds() {
        double[] pred = new double[W * H];
        for (int i = 0; i < pred.length; i++) {
            pred[i] = hash(i) >>> 24; // 0..255; min 0, max 255 -> normalised k/255, ties with thresholds
        }
        ImageScores s = Evaluator.evaluate(pred, gt(), W, H);
        double tol = 1e-12;
        assertEquals(0.28877152115264193, s.meanDice(), tol);
        assertEquals(0.39175257731958762, s.maxDice(), tol);
        assertEquals(0.49683459051724133, s.meanSensitivity(), tol);
        assertEquals(0.49088899381868134, s.meanSpecificity(), tol);
        assertEquals(0.98626373626373631, s.maxSpecificity(), tol);
        assertEquals(0.39461301606282917, s.meanEMeasure(), tol);
        assertEquals(0.66261622424858846, s.maxEMeasure(), tol);
        assertEquals(0.32054955631233689, s.sMeasure(), tol);
        assertEquals(0.50078431372549015, s.mae(), tol);
        assertEquals(0.0, s.adaptiveDice(), tol); // threshold min(2 * 0.5008, 1) = 1: only 255s, none in GT
        assertEquals(0.2617117224043013, s.adaptiveEMeasure(), tol);
        assertEquals(0.32492997198879553, s.dice()[128], tol);
        assertEquals(0.4157363406048653, s.eMeasure()[128], tol);
    }
}
