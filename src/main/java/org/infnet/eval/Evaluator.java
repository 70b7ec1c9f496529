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
     */
    public static ImageScores evaluateNormalized(double[] pred01, boolean[] gt, int width, int height) {
        Metrics.checkSize(pred01.length, gt.length, width, height);
        Confusion[] curve = Metrics.confusionCurve(pred01, gt);
        double sm = Metrics.sMeasure(pred01, gt, width, height);
        double mae = Metrics.mae(pred01, gt);
        double adpT = Metrics.adaptiveThreshold(pred01);
        Confusion adp = Metrics.confusion(pred01, gt, adpT);
        Confusion half = Metrics.confusion(pred01, gt, 0.5);
        return new ImageScores(width, height, curve, sm, mae, adpT, adp, half);
    }
}
