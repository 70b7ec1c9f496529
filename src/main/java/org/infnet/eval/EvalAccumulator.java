package org.infnet.eval;

import java.util.Arrays;

/**
 * Streaming aggregation of per-image scores: keeps only running sums (6 x 256 doubles plus a few
 * scalars), so validation during training can compute the summary without keeping any map.
 * Not thread-safe.
 */
public final class EvalAccumulator {

    private static final int N = Thresholds.COUNT;

    private int images;
    private final double[] dice = new double[N];
    private final double[] sen = new double[N];
    private final double[] spe = new double[N];
    private final double[] precision = new double[N];
    private final double[] iou = new double[N];
    private final double[] em = new double[N];
    private double sm;
    private double mae;
    private double adpDic;
    private double adpSen;
    private double adpSpe;
    private double adpEm;

    /** Adds one image's scores. */
    public EvalAccumulator add(ImageScores s) {
        addTo(dice, s.diceRaw());
        addTo(sen, s.senRaw());
        addTo(spe, s.speRaw());
        addTo(precision, s.precisionRaw());
        addTo(iou, s.iouRaw());
        addTo(em, s.emRaw());
        sm += s.sMeasure();
        mae += s.mae();
        adpDic += s.adaptiveDice();
        adpSen += s.adaptiveSensitivity();
        adpSpe += s.adaptiveSpecificity();
        adpEm += s.adaptiveEMeasure();
        images++;
        return this;
    }

    /** Evaluates (prediction in any range, at GT size) and adds; returns the image's scores. */
    public ImageScores add(float[] pred, boolean[] gt, int width, int height) {
        ImageScores s = Evaluator.evaluate(pred, gt, width, height);
        add(s);
        return s;
    }

    /** Evaluates (prediction in any range, GT gray 0..255, foreground > 128) and adds. */
    public ImageScores add(float[] pred, float[] gtGray, int width, int height) {
        ImageScores s = Evaluator.evaluate(pred, gtGray, width, height);
        add(s);
        return s;
    }

    /** Number of images added. */
    public int count() {
        return images;
    }

    /** Forgets everything. */
    public void reset() {
        images = 0;
        for (double[] a : new double[][] {dice, sen, spe, precision, iou, em}) {
            Arrays.fill(a, 0);
        }
        sm = mae = adpDic = adpSen = adpSpe = adpEm = 0;
    }

    /** Curves averaged over the images added so far (NaN everywhere if none). */
    public MeanCurves meanCurves() {
        return new MeanCurves(images, Thresholds.values(), div(dice), div(sen), div(spe), div(precision),
                div(iou), div(em));
    }

    /** Dataset summary of the images added so far (all NaN if none). */
    public Summary summary() {
        double[] d = div(dice);
        double[] se = div(sen);
        double[] sp = div(spe);
        double[] e = div(em);
        double k = images;
        return new Summary(images,
                ImageScores.mean(d), ImageScores.mean(se), ImageScores.mean(sp), sm / k, ImageScores.mean(e),
                mae / k,
                maxOrNaN(d), maxOrNaN(se), maxOrNaN(sp), maxOrNaN(e),
                adpDic / k, adpSen / k, adpSpe / k, adpEm / k);
    }

    /** Mean Dice over thresholds (the paper's meanDic) of the images so far; NaN if none. */
    public double meanDice() {
        return images == 0 ? Double.NaN : ImageScores.mean(dice) / images;
    }

    private static void addTo(double[] acc, double[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
    }

    private double[] div(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = images == 0 ? Double.NaN : a[i] / images;
        }
        return out;
    }

    private static double maxOrNaN(double[] a) {
        double m = ImageScores.max(a);
        return m == Double.NEGATIVE_INFINITY ? Double.NaN : m;
    }
}
