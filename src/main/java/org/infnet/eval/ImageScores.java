package org.infnet.eval;

/**
 * All scores of one prediction against one GT: the 256-threshold curves ({@link Thresholds} order),
 * S-measure and MAE of the continuous map, the adaptive-threshold scores and the scores at the fixed
 * threshold 0.5. Immutable; array getters return copies.
 */
public final class ImageScores {

    private final int width;
    private final int height;
    private final Confusion[] confusions;
    private final double[] dice;
    private final double[] sen;
    private final double[] spe;
    private final double[] precision;
    private final double[] iou;
    private final double[] em;
    private final double sMeasure;
    private final double mae;
    private final double adaptiveThreshold;
    private final Confusion adaptive;
    private final double adaptiveEm;
    private final Confusion atHalf;

    ImageScores(int width, int height, Confusion[] confusions, double sMeasure, double mae,
            double adaptiveThreshold, Confusion adaptive, Confusion atHalf) {
        if (confusions.length != Thresholds.COUNT) {
            throw new IllegalArgumentException("need " + Thresholds.COUNT + " confusions");
        }
        this.width = width;
        this.height = height;
        this.confusions = confusions.clone();
        int n = Thresholds.COUNT;
        dice = new double[n];
        sen = new double[n];
        spe = new double[n];
        precision = new double[n];
        iou = new double[n];
        em = new double[n];
        for (int j = 0; j < n; j++) {
            Confusion c = confusions[j];
            dice[j] = c.dice();
            sen[j] = c.sensitivity();
            spe[j] = c.specificity();
            precision[j] = c.precision();
            iou[j] = c.iou();
            em[j] = c.eMeasure();
        }
        this.sMeasure = sMeasure;
        this.mae = mae;
        this.adaptiveThreshold = adaptiveThreshold;
        this.adaptive = adaptive;
        this.adaptiveEm = adaptive.eMeasure();
        this.atHalf = atHalf;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Confusion counts at threshold index j ({@code t = (255 - j) / 255}). */
    public Confusion confusion(int j) {
        return confusions[j];
    }

    public double[] dice() {
        return dice.clone();
    }

    public double[] sensitivity() {
        return sen.clone();
    }

    public double[] specificity() {
        return spe.clone();
    }

    public double[] precision() {
        return precision.clone();
    }

    public double[] iou() {
        return iou.clone();
    }

    /** E-measure of the binary map at each threshold. */
    public double[] eMeasure() {
        return em.clone();
    }

    public double meanDice() {
        return mean(dice);
    }

    public double maxDice() {
        return max(dice);
    }

    public double meanSensitivity() {
        return mean(sen);
    }

    public double maxSensitivity() {
        return max(sen);
    }

    public double meanSpecificity() {
        return mean(spe);
    }

    public double maxSpecificity() {
        return max(spe);
    }

    public double meanEMeasure() {
        return mean(em);
    }

    public double maxEMeasure() {
        return max(em);
    }

    public double sMeasure() {
        return sMeasure;
    }

    public double mae() {
        return mae;
    }

    /** {@code min(2 * mean(normalised pred), 1)}. */
    public double adaptiveThreshold() {
        return adaptiveThreshold;
    }

    /** Confusion of {@code pred >= adaptiveThreshold()}. */
    public Confusion adaptiveConfusion() {
        return adaptive;
    }

    public double adaptiveDice() {
        return adaptive.dice();
    }

    public double adaptiveSensitivity() {
        return adaptive.sensitivity();
    }

    public double adaptiveSpecificity() {
        return adaptive.specificity();
    }

    public double adaptiveEMeasure() {
        return adaptiveEm;
    }

    /** Confusion of {@code pred >= 0.5} (normalised map). */
    public Confusion confusionAtHalf() {
        return atHalf;
    }

    /** Dice of {@code pred >= 0.5}, toolbox convention (0 when TP = 0). */
    public double diceAtHalf() {
        return atHalf.dice();
    }

    // package-private raw access for the accumulator (no copies)
    double[] diceRaw() {
        return dice;
    }

    double[] senRaw() {
        return sen;
    }

    double[] speRaw() {
        return spe;
    }

    double[] precisionRaw() {
        return precision;
    }

    double[] iouRaw() {
        return iou;
    }

    double[] emRaw() {
        return em;
    }

    static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            if (v > m) {
                m = v;
            }
        }
        return m;
    }
}
