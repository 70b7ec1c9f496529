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
        final int n = pred01.length;
        FirstPass f = new FirstPass(pred01, gt, width, height);
        Confusion[] curve = f.curve();
        double mae = f.maeSum / n;
        double adpT = 2.0 * f.predSum / n;
        if (adpT > 1.0) {
            adpT = 1.0;
        }
        Confusion half = new Confusion(f.half1, f.half0, f.nFg - f.half1, f.nBg - f.half0);
        if (f.nFg == 0 || f.nFg == n) {
            // S-measure degenerates to the mean; only the adaptive counts need another pass
            double sm = f.nFg == 0 ? 1.0 - f.predSum / n : f.predSum / n;
            return new ImageScores(width, height, curve, sm, mae, adpT, adaptiveCounts(pred01, gt, adpT, f), half);
        }
        SecondPass s = new SecondPass(pred01, gt, width, height, f, adpT);
        double sm = 0.5 * s.sObject() + 0.5 * sRegion(pred01, gt, width, height, s);
        if (sm < 0) {
            sm = 0;
        }
        return new ImageScores(width, height, curve, sm, mae, adpT,
                new Confusion(s.a1, s.a0, f.nFg - s.a1, f.nBg - s.a0), half);
    }

    /**
     * Pass 1: threshold-level histogram, MAE, sums, S-object foreground/background sums, centroid sums and the
     * 0.5-threshold counts.
     */
    private static final class FirstPass {
        /** Threshold levels: [0,256) background pixels, [256,512) foreground pixels. */
        final long[] hist = new long[2 * Thresholds.COUNT];
        double maeSum;
        double predSum;
        double sFg;
        double sBg;
        long nFg;
        final long nBg;
        long cx;
        long cy;
        long half1;
        long half0;

        FirstPass(double[] q, boolean[] gt, int w, int height) {
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
            nBg = q.length - nFg;
        }

        /** The confusion counts at the 256 thresholds, from the histogram. */
        Confusion[] curve() {
            Confusion[] curve = new Confusion[Thresholds.COUNT];
            long tp = 0;
            long fp = 0;
            for (int j = 0; j < Thresholds.COUNT; j++) {
                int m = 255 - j;
                tp += hist[Thresholds.COUNT + m];
                fp += hist[m];
                curve[j] = new Confusion(tp, fp, nFg - tp, nBg - fp);
            }
            return curve;
        }
    }

    /** The confusion counts at the adaptive threshold (the one pass of an image whose GT is all one class). */
    private static Confusion adaptiveCounts(double[] q, boolean[] gt, double adpT, FirstPass f) {
        long a1 = 0;
        long a0 = 0;
        for (int i = 0; i < q.length; i++) {
            if (q[i] >= adpT) {
                if (gt[i]) {
                    a1++;
                } else {
                    a0++;
                }
            }
        }
        return new Confusion(a1, a0, f.nFg - a1, f.nBg - a0);
    }

    /**
     * Pass 2 (GT with both classes): the centroid (1-based, rounded half up) and the quadrant split as {@link
     * Metrics#sRegion}, S-object squared deviations, adaptive counts and quadrant sums (LT, RT, LB, RB).
     */
    private static final class SecondPass {
        final int cX;
        final int cY;
        final double mFg;
        final double mBg;
        final long nFg;
        final long nBg;
        double vFg;
        double vBg;
        long a1;
        long a0;
        final double[] qs = new double[4];
        final long[] qg = new long[4];

        SecondPass(double[] q, boolean[] gt, int w, int height, FirstPass f, double adpT) {
            nFg = f.nFg;
            nBg = f.nBg;
            cX = (int) ((2 * f.cx + nFg) / (2 * nFg));
            cY = (int) ((2 * f.cy + nFg) / (2 * nFg));
            mFg = f.sFg / nFg;
            mBg = f.sBg / nBg;
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
        }

        /** The S-measure's object term. */
        double sObject() {
            double u = nFg / (double) (nFg + nBg);
            return u * object(nFg, mFg, vFg) + (1 - u) * object(nBg, mBg, vBg);
        }
    }

    /** Pass 3: the S-measure's region term from the quadrant variances and covariances. */
    private static double sRegion(double[] q, boolean[] gt, int w, int height, SecondPass s) {
        int cX = s.cX;
        int cY = s.cY;
        long[] qn = {
            (long) cX * cY, (long) (w - cX) * cY, (long) cX * (height - cY), (long) (w - cX) * (height - cY)
        };
        double[] mx = new double[4];
        double[] my = new double[4];
        for (int k = 0; k < 4; k++) {
            mx[k] = qn[k] == 0 ? 0 : s.qs[k] / qn[k];
            my[k] = qn[k] == 0 ? 0 : s.qg[k] / (double) qn[k];
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
        return sRegion;
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
