package org.infnet.eval;

/**
 * Confusion counts of one binary map against a binary ground truth, with the derived scores exactly
 * as in the toolbox's {@code Fmeasure_calu}: when {@code TP == 0} every score (Dice, sensitivity,
 * specificity, precision, IoU, F) is 0.
 *
 * @param tp true positives
 * @param fp false positives
 * @param fn false negatives
 * @param tn true negatives
 */
public record Confusion(long tp, long fp, long fn, long tn) {

    public Confusion {
        if (tp < 0 || fp < 0 || fn < 0 || tn < 0) {
            throw new IllegalArgumentException("negative count: " + tp + "," + fp + "," + fn + "," + tn);
        }
    }

    /** Total number of pixels. */
    public long total() {
        return tp + fp + fn + tn;
    }

    /** |GT| = TP + FN. */
    public long gtPositives() {
        return tp + fn;
    }

    /** |binary| = TP + FP. */
    public long predictedPositives() {
        return tp + fp;
    }

    /** 2TP / (|GT| + |binary|), 0 if TP = 0. */
    public double dice() {
        return tp == 0 ? 0.0 : 2.0 * tp / (double) (gtPositives() + predictedPositives());
    }

    /** Same as {@link #dice()}. */
    public double f1() {
        return dice();
    }

    /** Sensitivity (recall) TP / |GT|, 0 if TP = 0. */
    public double sensitivity() {
        return tp == 0 ? 0.0 : tp / (double) gtPositives();
    }

    /**
     * Specificity TN / (TN + FP), 0 if TP = 0 (toolbox convention); 1 when the GT has no negative pixel (a GT that
     * is all foreground: no pixel can be a false positive; the toolbox's 0 / 0 gives NaN there).
     */
    public double specificity() {
        return tp == 0 ? 0.0 : tn + fp == 0 ? 1.0 : tn / (double) (tn + fp);
    }

    /** Precision TP / |binary|, 0 if TP = 0. */
    public double precision() {
        return tp == 0 ? 0.0 : tp / (double) predictedPositives();
    }

    /** IoU TP / (TP + FP + FN), 0 if TP = 0. */
    public double iou() {
        return tp == 0 ? 0.0 : tp / (double) (tp + fp + fn);
    }

    /**
     * The toolbox's F-measure {@code (1+b2) P R / (b2 P + R)} with {@code b2 = 0.3}, 0 if TP = 0.
     */
    public double fMeasure() {
        return fMeasure(0.3);
    }

    /** F-measure with the given beta squared, 0 if TP = 0. */
    public double fMeasure(double beta2) {
        if (tp == 0) {
            return 0.0;
        }
        double p = precision();
        double r = sensitivity();
        return (1 + beta2) * p * r / (beta2 * p + r);
    }

    /**
     * E-measure (Fan et al., IJCAI'18) of the binary map described by these counts, computed from
     * the counts alone; equal to {@link Metrics#eMeasure(boolean[], boolean[])} on the maps.
     */
    public double eMeasure() {
        return Metrics.eMeasure(tp, fp, fn, tn);
    }
}
