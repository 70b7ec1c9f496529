package org.infnet.eval;

/**
 * The per-image building blocks of the Inf-Net evaluation toolbox, on plain row-major arrays
 * (index {@code y * width + x}).
 *
 * <p>Conventions follow the original MATLAB toolbox ({@code main.m}, {@code Fmeasure_calu.m},
 * {@code Enhancedmeasure.m}, {@code StructureMeasure.m}); {@link #EPS} is MATLAB's {@code eps}.
 */
public final class Metrics {

    /** MATLAB {@code eps} = 2^-52. */
    public static final double EPS = Math.ulp(1.0);

    /** GT binarisation level: a gray GT pixel is foreground when its value is strictly above 128. */
    public static final double GT_LEVEL = 128.0;

    private Metrics() {
    }

    // ------------------------------------------------------------------ normalisation & GT

    /**
     * Min-max normalisation to [0,1]: {@code (p - min) / (max - min)}, so the minimum maps to exactly
     * 0 and the maximum to exactly 1 (as MATLAB {@code mapminmax(x, 0, 1)} in the toolbox). A
     * constant map (max == min) becomes all zeros, as {@code (p - min) / (max - min + 1e-8)} does.
     * NaN values are rejected.
     */
    public static double[] normalize(float[] pred) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : pred) {
            if (Float.isNaN(v)) {
                throw new IllegalArgumentException("prediction contains NaN");
            }
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        double[] out = new double[pred.length];
        if (pred.length == 0 || !(max > min)) {
            return out;
        }
        double range = max - min;
        for (int i = 0; i < pred.length; i++) {
            double v = (pred[i] - min) / range;
            out[i] = v > 1.0 ? 1.0 : v;
        }
        return out;
    }

    /** {@link #normalize(float[])} for a double map. */
    public static double[] normalize(double[] pred) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : pred) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("prediction contains NaN");
            }
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        double[] out = new double[pred.length];
        if (pred.length == 0 || !(max > min)) {
            return out;
        }
        double range = max - min;
        for (int i = 0; i < pred.length; i++) {
            double v = (pred[i] - min) / range;
            out[i] = v > 1.0 ? 1.0 : v;
        }
        return out;
    }

    /** GT mask from gray values (0..255 scale): {@code value > 128}. */
    public static boolean[] gtMask(float[] gray) {
        boolean[] m = new boolean[gray.length];
        for (int i = 0; i < gray.length; i++) {
            m[i] = gray[i] > GT_LEVEL;
        }
        return m;
    }

    /** GT mask from unsigned 8-bit values: {@code (b & 0xff) > 128}. */
    public static boolean[] gtMask(byte[] gray) {
        boolean[] m = new boolean[gray.length];
        for (int i = 0; i < gray.length; i++) {
            m[i] = (gray[i] & 0xff) > 128;
        }
        return m;
    }

    // ------------------------------------------------------------------ confusion

    /** Confusion counts of {@code pred >= threshold} against {@code gt}. */
    public static Confusion confusion(double[] pred, boolean[] gt, double threshold) {
        checkSameLength(pred.length, gt.length);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < pred.length; i++) {
            boolean p = pred[i] >= threshold;
            if (gt[i]) {
                if (p) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (p) {
                fp++;
            }
        }
        return new Confusion(tp, fp, fn, pred.length - tp - fp - fn);
    }

    /**
     * Confusion counts at all 256 thresholds ({@link Thresholds} order), in O(pixels + 256): each
     * pixel is binned once by the number of thresholds it passes, and counts are accumulated
     * cumulatively from threshold 1 down to 0.
     */
    public static Confusion[] confusionCurve(double[] pred, boolean[] gt) {
        checkSameLength(pred.length, gt.length);
        long[] posHist = new long[Thresholds.COUNT];
        long[] negHist = new long[Thresholds.COUNT];
        long gtPos = 0;
        for (int i = 0; i < pred.length; i++) {
            int m = Thresholds.level(pred[i]);
            if (gt[i]) {
                posHist[m]++;
                gtPos++;
            } else {
                negHist[m]++;
            }
        }
        long gtNeg = pred.length - gtPos;
        Confusion[] out = new Confusion[Thresholds.COUNT];
        long tp = 0;
        long fp = 0;
        for (int j = 0; j < Thresholds.COUNT; j++) {
            int m = 255 - j; // threshold index j admits every pixel of level >= 255 - j
            tp += posHist[m];
            fp += negHist[m];
            out[j] = new Confusion(tp, fp, gtPos - tp, gtNeg - fp);
        }
        return out;
    }

    // ------------------------------------------------------------------ E-measure

    /**
     * E-measure of a binary foreground map against a binary GT, computed per pixel as
     * {@code Enhancedmeasure.m}: empty GT -> sum(1 - FM), full GT -> sum(FM), otherwise the enhanced
     * alignment {@code (align + 1)^2 / 4} with {@code align = 2ab / (a^2 + b^2 + eps)}, summed and
     * divided by {@code (N - 1 + eps)}, then capped at 1 (the toolbox's value can exceed 1 by up to
     * {@code 1 / (N - 1)}; see {@link #capped}).
     */
    public static double eMeasure(boolean[] fm, boolean[] gt) {
        checkSameLength(fm.length, gt.length);
        int n = fm.length;
        long fmSum = 0;
        long gtSum = 0;
        for (int i = 0; i < n; i++) {
            if (fm[i]) {
                fmSum++;
            }
            if (gt[i]) {
                gtSum++;
            }
        }
        double sum = 0;
        if (gtSum == 0) {
            sum = n - fmSum;
        } else if (gtSum == n) {
            sum = fmSum;
        } else {
            double muF = fmSum / (double) n;
            double muG = gtSum / (double) n;
            for (int i = 0; i < n; i++) {
                double a = (fm[i] ? 1.0 : 0.0) - muF;
                double b = (gt[i] ? 1.0 : 0.0) - muG;
                double align = 2.0 * a * b / (a * a + b * b + EPS);
                double e = align + 1.0;
                sum += e * e / 4.0;
            }
        }
        return capped(sum / (n - 1 + EPS));
    }

    /**
     * E-measure from confusion counts: for a binary map the alignment matrix takes only four values
     * (FM in {0,1} x GT in {0,1}), so the sum is {@code sum_cells count * enhanced(cell)}.
     */
    public static double eMeasure(long tp, long fp, long fn, long tn) {
        long n = tp + fp + fn + tn;
        long gtPos = tp + fn;
        double sum;
        if (gtPos == 0) {
            sum = n - (tp + fp);
        } else if (gtPos == n) {
            sum = tp + fp;
        } else {
            double muF = (tp + fp) / (double) n;
            double muG = gtPos / (double) n;
            sum = tp * enhanced(1.0 - muF, 1.0 - muG)
                    + fp * enhanced(1.0 - muF, -muG)
                    + fn * enhanced(-muF, 1.0 - muG)
                    + tn * enhanced(-muF, -muG);
        }
        return capped(sum / (n - 1 + EPS));
    }

    /**
     * The toolbox divides the sum of N per-pixel scores in [0,1] by N - 1, so a perfect map scores N / (N - 1):
     * 1.00001 on a 352x352 slice, 4/3 on a 2x2 image and 2^52 on a 1x1 image. Scores are capped at 1 to stay in
     * the E-measure's range [0,1] (a change of at most 1 / (N - 1), and only where the toolbox exceeds 1).
     */
    private static double capped(double em) {
        return em > 1.0 ? 1.0 : em;
    }

    private static double enhanced(double a, double b) {
        double align = 2.0 * a * b / (a * a + b * b + EPS);
        double e = align + 1.0;
        return e * e / 4.0;
    }

    // ------------------------------------------------------------------ MAE

    /** Mean absolute error between the (normalised) map and the binary GT. */
    public static double mae(double[] pred, boolean[] gt) {
        checkSameLength(pred.length, gt.length);
        double s = 0;
        for (int i = 0; i < pred.length; i++) {
            s += Math.abs((gt[i] ? 1.0 : 0.0) - pred[i]);
        }
        return s / pred.length;
    }

    // ------------------------------------------------------------------ Dice of binary masks

    /** Dice of two binary masks of equal length; 1 when both are empty. */
    public static double dice(boolean[] a, boolean[] b) {
        long inter = 0;
        long sa = 0;
        long sb = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i]) {
                sa++;
            }
            if (b[i]) {
                sb++;
                if (a[i]) {
                    inter++;
                }
            }
        }
        return sa + sb == 0 ? 1 : 2.0 * inter / (sa + sb);
    }

    // ------------------------------------------------------------------ adaptive threshold

    /** Adaptive threshold {@code min(2 * mean(pred), 1)} (toolbox convention). */
    public static double adaptiveThreshold(double[] pred) {
        double s = 0;
        for (double v : pred) {
            s += v;
        }
        double t = 2.0 * s / pred.length;
        return t > 1.0 ? 1.0 : t;
    }

    // ------------------------------------------------------------------ S-measure

    /**
     * S-measure (Fan et al., ICCV'17) of a map in [0,1] against a binary GT, as
     * {@code StructureMeasure.m}: empty GT -> 1 - mean(pred); full GT -> mean(pred); otherwise
     * {@code 0.5 * S_object + 0.5 * S_region}, floored at 0.
     */
    public static double sMeasure(double[] pred, boolean[] gt, int width, int height) {
        checkSize(pred.length, gt.length, width, height);
        int n = pred.length;
        long gtSum = 0;
        double predSum = 0;
        for (int i = 0; i < n; i++) {
            if (gt[i]) {
                gtSum++;
            }
            predSum += pred[i];
        }
        if (gtSum == 0) {
            return 1.0 - predSum / n;
        }
        if (gtSum == n) {
            return predSum / n;
        }
        double q = 0.5 * sObject(pred, gt) + 0.5 * sRegion(pred, gt, width, height);
        return q < 0 ? 0.0 : q;
    }

    /**
     * Object-aware term: {@code u * O(pred on GT) + (1 - u) * O(1 - pred on not-GT)}, u = GT fraction,
     * {@code O = 2x / (x^2 + 1 + sigma + eps)} with x the mean and sigma the sample (N-1) standard
     * deviation of the values.
     */
    public static double sObject(double[] pred, boolean[] gt) {
        checkSameLength(pred.length, gt.length);
        int n = pred.length;
        long nFg = 0;
        double sFg = 0;
        double sBg = 0;
        for (int i = 0; i < n; i++) {
            if (gt[i]) {
                nFg++;
                sFg += pred[i];
            } else {
                sBg += 1.0 - pred[i];
            }
        }
        long nBg = n - nFg;
        double mFg = nFg == 0 ? 0 : sFg / nFg;
        double mBg = nBg == 0 ? 0 : sBg / nBg;
        double vFg = 0;
        double vBg = 0;
        for (int i = 0; i < n; i++) {
            if (gt[i]) {
                double d = pred[i] - mFg;
                vFg += d * d;
            } else {
                double d = (1.0 - pred[i]) - mBg;
                vBg += d * d;
            }
        }
        double oFg = object(nFg, mFg, vFg);
        double oBg = object(nBg, mBg, vBg);
        double u = nFg / (double) n;
        return u * oFg + (1 - u) * oBg;
    }

    private static double object(long count, double mean, double sumSq) {
        if (count == 0) {
            return 0.0;
        }
        double sigma = count > 1 ? Math.sqrt(sumSq / (count - 1)) : 0.0; // MATLAB std, N-1
        return 2.0 * mean / (mean * mean + 1.0 + sigma + EPS);
    }

    /**
     * GT centroid (X, Y), 1-based and rounded as {@code centroid()} in {@code StructureMeasure.m}:
     * {@code X = round(sum_col(colSum * i) / total)}; for an empty GT {@code (round(W/2),
     * round(H/2))}. Returns {@code {X, Y}}.
     */
    public static int[] centroid(boolean[] gt, int width, int height) {
        checkSize(gt.length, gt.length, width, height);
        long total = 0;
        long sx = 0;
        long sy = 0;
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                if (gt[row + x]) {
                    total++;
                    sx += x + 1;
                    sy += y + 1;
                }
            }
        }
        if (total == 0) {
            return new int[] {(int) Math.round(width / 2.0), (int) Math.round(height / 2.0)};
        }
        // round-half-up of sx/total in exact integer arithmetic (= MATLAB round for positives)
        return new int[] {(int) ((2 * sx + total) / (2 * total)), (int) ((2 * sy + total) / (2 * total))};
    }

    /**
     * Region-aware term: the GT is split at its centroid (X, Y) (1-based) into LT = rows 1..Y x cols
     * 1..X, RT, LB, RB; each quadrant is scored by {@link #ssim} and weighted by its area fraction.
     * An empty quadrant has weight 0 and contributes 0.
     */
    public static double sRegion(double[] pred, boolean[] gt, int width, int height) {
        checkSize(pred.length, gt.length, width, height);
        int[] c = centroid(gt, width, height);
        int cx = c[0];
        int cy = c[1];
        double area = (double) width * height;
        double w1 = (double) cx * cy / area;
        double w2 = (double) (width - cx) * cy / area;
        double w3 = (double) cx * (height - cy) / area;
        double w4 = 1.0 - w1 - w2 - w3;
        double q1 = ssim(pred, gt, width, 0, cx, 0, cy);
        double q2 = ssim(pred, gt, width, cx, width, 0, cy);
        double q3 = ssim(pred, gt, width, 0, cx, cy, height);
        double q4 = ssim(pred, gt, width, cx, width, cy, height);
        return weighted(w1, q1) + weighted(w2, q2) + weighted(w3, q3) + weighted(w4, q4);
    }

    private static double weighted(double w, double q) {
        return w == 0 ? 0.0 : w * q;
    }

    /**
     * SSIM-like quadrant score over the 0-based half-open window [x0,x1) x [y0,y1):
     * {@code 4 mx my cov / ((mx^2 + my^2)(vx + vy) + eps)}, variances and covariance over
     * {@code N - 1 + eps}; 1 if numerator and denominator are both 0, 0 if only the numerator is.
     * An empty window scores 0.
     */
    static double ssim(double[] pred, boolean[] gt, int width, int x0, int x1, int y0, int y1) {
        long n = (long) (x1 - x0) * (y1 - y0);
        if (x1 <= x0 || y1 <= y0) {
            return 0.0;
        }
        double sp = 0;
        long sg = 0;
        for (int y = y0; y < y1; y++) {
            int row = y * width;
            for (int x = x0; x < x1; x++) {
                sp += pred[row + x];
                if (gt[row + x]) {
                    sg++;
                }
            }
        }
        double mx = sp / n;
        double my = sg / (double) n;
        double vx = 0;
        double vy = 0;
        double cov = 0;
        for (int y = y0; y < y1; y++) {
            int row = y * width;
            for (int x = x0; x < x1; x++) {
                double dx = pred[row + x] - mx;
                double dy = (gt[row + x] ? 1.0 : 0.0) - my;
                vx += dx * dx;
                vy += dy * dy;
                cov += dx * dy;
            }
        }
        double denomN = n - 1 + EPS;
        vx /= denomN;
        vy /= denomN;
        cov /= denomN;
        double alpha = 4 * mx * my * cov;
        double beta = (mx * mx + my * my) * (vx + vy);
        if (alpha != 0) {
            return alpha / (beta + EPS);
        }
        return beta == 0 ? 1.0 : 0.0;
    }

    // ------------------------------------------------------------------ checks

    static void checkSameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("prediction has " + a + " pixels but GT has " + b);
        }
        if (a == 0) {
            throw new IllegalArgumentException("empty image");
        }
    }

    static void checkSize(int predLen, int gtLen, int width, int height) {
        checkSameLength(predLen, gtLen);
        if (width <= 0 || height <= 0 || (long) width * height != predLen) {
            throw new IllegalArgumentException(
                    "size " + width + "x" + height + " does not match " + predLen + " pixels");
        }
    }
}
