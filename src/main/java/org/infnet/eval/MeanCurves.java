package org.infnet.eval;

/**
 * Per-threshold curves averaged over images, index j = threshold {@code (255 - j) / 255}
 * ({@link Thresholds} order). Arrays are owned by the record; treat them as read-only.
 */
public record MeanCurves(int images, double[] thresholds, double[] dice, double[] sensitivity,
        double[] specificity, double[] precision, double[] iou, double[] eMeasure) {
}
