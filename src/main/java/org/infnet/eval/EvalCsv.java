package org.infnet.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** CSV output of evaluation results (comma separated, '.' decimals, header line first). */
public final class EvalCsv {

    /** Header of {@link #perImage(List)}. */
    public static final String PER_IMAGE_HEADER = "name,width,height,resized,dice@0.5,meanDice,maxDice,"
            + "meanSen,meanSpe,meanEm,maxEm,Sm,MAE,adpThreshold,adpDice,adpSen,adpSpe,adpEm";

    /** Header of {@link #perThreshold(MeanCurves)}. */
    public static final String PER_THRESHOLD_HEADER = "threshold,dice,sen,spe,em,precision,iou";

    private EvalCsv() {
    }

    /** One row per evaluated image. */
    public static String perImage(List<FolderEvaluation.ImageResult> images) {
        StringBuilder sb = new StringBuilder(PER_IMAGE_HEADER).append('\n');
        for (FolderEvaluation.ImageResult r : images) {
            ImageScores s = r.scores();
            sb.append(quote(r.name())).append(',').append(r.width()).append(',').append(r.height()).append(',')
                    .append(r.resized());
            num(sb, s.diceAtHalf(), s.meanDice(), s.maxDice(), s.meanSensitivity(), s.meanSpecificity(),
                    s.meanEMeasure(), s.maxEMeasure(), s.sMeasure(), s.mae(), s.adaptiveThreshold(),
                    s.adaptiveDice(), s.adaptiveSensitivity(), s.adaptiveSpecificity(), s.adaptiveEMeasure());
            sb.append('\n');
        }
        return sb.toString();
    }

    /** One row per threshold (1.0 first), curves averaged over images. */
    public static String perThreshold(MeanCurves c) {
        StringBuilder sb = new StringBuilder(PER_THRESHOLD_HEADER).append('\n');
        for (int j = 0; j < c.thresholds().length; j++) {
            sb.append(String.format(Locale.ROOT, "%.6f", c.thresholds()[j]));
            num(sb, c.dice()[j], c.sensitivity()[j], c.specificity()[j], c.eMeasure()[j], c.precision()[j],
                    c.iou()[j]);
            sb.append('\n');
        }
        return sb.toString();
    }

    public static void writePerImage(Path file, List<FolderEvaluation.ImageResult> images) throws IOException {
        byte[] b = perImage(images).getBytes(StandardCharsets.UTF_8);
        org.infnet.io.AtomicFiles.write(file, out -> out.write(b));
    }

    public static void writePerThreshold(Path file, MeanCurves curves) throws IOException {
        byte[] b = perThreshold(curves).getBytes(StandardCharsets.UTF_8);
        org.infnet.io.AtomicFiles.write(file, out -> out.write(b));
    }

    /**
     * Writes the per-image rows to {@code csv} and the per-threshold mean curves beside it
     * ({@code NAME_thresholds.csv}); returns the second path.
     */
    public static Path write(Path csv, FolderEvaluation.Result r) throws IOException {
        writePerImage(csv, r.images());
        Path curves = csv.resolveSibling(csv.getFileName().toString().replaceFirst("(\\.csv)?$", "_thresholds.csv"));
        writePerThreshold(curves, r.curves());
        return curves;
    }

    private static void num(StringBuilder sb, double... values) {
        for (double v : values) {
            sb.append(',').append(String.format(Locale.ROOT, "%.6f", v));
        }
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
