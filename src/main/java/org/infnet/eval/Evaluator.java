package org.infnet.eval;

/**
 * Per-image evaluation as in the Inf-Net toolbox: min-max normalise the prediction (already at GT
 * size), binarise the GT, then compute every score of {@link ImageScores}.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /** Prediction in any range; GT gray values on the 0..255 scale (foreground = value > 128). */
    public static ImageScores evaluate(float[] pred, float[] gtGray, int width, int height) {
        return evaluate(pred, Metrics.gtMask(gtGray), width, height);
    }

    /** Prediction in any range; GT as unsigned 8-bit gray (foreground = value > 128). */
    public static ImageScores evaluate(float[] pred, byte[] gtGray, int width, int height) {
        return evaluate(pred, Metrics.gtMask(gtGray), width, height);
    }

    /** Prediction in any range; GT as a boolean mask. */
    public static ImageScores evaluate(float[] pred, boolean[] gt, int width, int height) {
        Metrics.checkSize(pred.length, gt.length, width, height);
        return evaluateNormalized(Metrics.normalize(pred), gt, width, height);
    }

    /** Prediction in any range (double); GT as a boolean mask. */
    public static ImageScores evaluate(double[] pred, boolean[] gt, int width, int height) {
        Metrics.checkSize(pred.length, gt.length, width, height);
        return evaluateNormalized(Metrics.normalize(pred), gt, width, height);
    }

    /**
     * Scores of an already normalised map (values in [0,1]; not re-normalised, not copied).
     *
     * <p>Fused implementation: three passes over the pixels give the 256-threshold confusion counts
     * (histogram of threshold levels), MAE, S-measure, adaptive and 0.5-threshold counts. It sums in
     * the same order as the reference functions of {@link Metrics}, so results are identical to them.
     */
    public static ImageScores evaluateNormalized(double[] pred01, boolean[] gt, int width, int height) {
        Metrics.checkSize(pred01.length, gt.length, width, height);
        final double[] q = pred01;
        final int n = q.length;
        final int w = width;

        // pass 1: level histogram, MAE, sums, S-object foreground/background sums, centroid, 0.5 counts
        long[] hist = new long[2 * Thresholds.COUNT]; // [0,256): background, [256,512): foreground
        double maeSum = 0;
        double predSum = 0;
        double sFg = 0;
        double sBg = 0;
        long nFg = 0;
        long cx = 0;
        long cy = 0;
        long half1 = 0;
        long half0 = 0;
        for (int y = 0; y < height; y++) {
            int row = y * w;
            long rowFg = 0;
            for (int x = 0; x < w; x++) {
                double p = q[row + x];
                int m = Thresholds.level(p);
                predSum += p;
                if (gt[row + x]) {
                    hist[Thresholds.COUNT + m]++;
                    maeSum += Math.abs(1.0 - p);
                    sFg += p;
                    rowFg++;
                    cx += x + 1;
                    if (p >= 0.5) {
                        half1++;
                    }
                } else {
                    hist[m]++;
                    maeSum += Math.abs(0.0 - p);
                    sBg += 1.0 - p;
                    if (p >= 0.5) {
                        half0++;
                    }
                }
            }
            nFg += rowFg;
            cy += rowFg * (y + 1);
        }
        long nBg = n - nFg;

        Confusion[] curve = new Confusion[Thresholds.COUNT];
        long tp = 0;
        long fp = 0;
        for (int j = 0; j < Thresholds.COUNT; j++) {
            int m = 255 - j;
            tp += hist[Thresholds.COUNT + m];
            fp += hist[m];
            curve[j] = new Confusion(tp, fp, nFg - tp, nBg - fp);
        }
        double mae = maeSum / n;
        double adpT = 2.0 * predSum / n;
        if (adpT > 1.0) {
            adpT = 1.0;
        }
        Confusion half = new Confusion(half1, half0, nFg - half1, nBg - half0);

        if (nFg == 0 || nFg == n) {
            // S-measure degenerates to the mean; only the adaptive counts need another pass
            long a1 = 0;
            long a0 = 0;
            for (int i = 0; i < n; i++) {
                if (q[i] >= adpT) {
                    if (gt[i]) {
                        a1++;
                    } else {
                        a0++;
                    }
                }
            }
            double sm = nFg == 0 ? 1.0 - predSum / n : predSum / n;
            return new ImageScores(width, height, curve, sm, mae, adpT,
                    new Confusion(a1, a0, nFg - a1, nBg - a0), half);
        }

        // centroid (1-based, rounded half up), quadrant split as Metrics.sRegion
        int cX = (int) ((2 * cx + nFg) / (2 * nFg));
        int cY = (int) ((2 * cy + nFg) / (2 * nFg));
        double mFg = sFg / nFg;
        double mBg = sBg / nBg;

        // pass 2: S-object squared deviations, adaptive counts, quadrant sums (LT, RT, LB, RB)
        double vFg = 0;
        double vBg = 0;
        long a1 = 0;
        long a0 = 0;
        double[] qs = new double[4];
        long[] qg = new long[4];
        for (int y = 0; y < height; y++) {
            int row = y * w;
            int qi = y < cY ? 0 : 2;
            for (int x = 0; x < w; x++) {
                int k = x < cX ? qi : qi + 1;
                double p = q[row + x];
                qs[k] += p;
                if (gt[row + x]) {
                    double d = p - mFg;
                    vFg += d * d;
                    qg[k]++;
                    if (p >= adpT) {
                        a1++;
                    }
                } else {
                    double d = (1.0 - p) - mBg;
                    vBg += d * d;
                    if (p >= adpT) {
                        a0++;
                    }
                }
            }
        }
        double u = nFg / (double) n;
        double sObject = u * object(nFg, mFg, vFg) + (1 - u) * object(nBg, mBg, vBg);

        // pass 3: quadrant variances and covariance
        long[] qn = {
            (long) cX * cY, (long) (w - cX) * cY, (long) cX * (height - cY), (long) (w - cX) * (height - cY)
        };
        double[] mx = new double[4];
        double[] my = new double[4];
        for (int k = 0; k < 4; k++) {
            mx[k] = qn[k] == 0 ? 0 : qs[k] / qn[k];
            my[k] = qn[k] == 0 ? 0 : qg[k] / (double) qn[k];
        }
        double[] vx = new double[4];
        double[] vy = new double[4];
        double[] cov = new double[4];
        for (int y = 0; y < height; y++) {
            int row = y * w;
            int qi = y < cY ? 0 : 2;
            for (int x = 0; x < w; x++) {
                int k = x < cX ? qi : qi + 1;
                double dx = q[row + x] - mx[k];
                double dy = (gt[row + x] ? 1.0 : 0.0) - my[k];
                vx[k] += dx * dx;
                vy[k] += dy * dy;
                cov[k] += dx * dy;
            }
        }
        double area = (double) w * height;
        double w1 = (double) cX * cY / area;
        double w2 = (double) (w - cX) * cY / area;
        double w3 = (double) cX * (height - cY) / area;
        double w4 = 1.0 - w1 - w2 - w3;
        double[] wq = {w1, w2, w3, w4};
        double sRegion = 0;
        for (int k = 0; k < 4; k++) {
            if (wq[k] != 0 && qn[k] > 0) {
                sRegion += wq[k] * ssimFromMoments(qn[k], mx[k], my[k], vx[k], vy[k], cov[k]);
            }
        }
        double sm = 0.5 * sObject + 0.5 * sRegion;
        if (sm < 0) {
            sm = 0;
        }
        return new ImageScores(width, height, curve, sm, mae, adpT,
                new Confusion(a1, a0, nFg - a1, nBg - a0), half);
    }

    private static double object(long count, double mean, double sumSq) {
        if (count == 0) {
            return 0.0;
        }
        double sigma = count > 1 ? Math.sqrt(sumSq / (count - 1)) : 0.0;
        return 2.0 * mean / (mean * mean + 1.0 + sigma + Metrics.EPS);
    }

    private static double ssimFromMoments(long n, double mx, double my, double sxx, double syy, double sxy) {
        double d = n - 1 + Metrics.EPS;
        double vx = sxx / d;
        double vy = syy / d;
        double cov = sxy / d;
        double alpha = 4 * mx * my * cov;
        double beta = (mx * mx + my * my) * (vx + vy);
        if (alpha != 0) {
            return alpha / (beta + Metrics.EPS);
        }
        return beta == 0 ? 1.0 : 0.0;
    }
}
