package org.infnet.command;

import ij.gui.Plot;
import ij.measure.ResultsTable;
import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.io.File;
import org.infnet.eval.EvalCsv;
import org.infnet.eval.FolderEvaluation;
import org.infnet.eval.MeanCurves;
import org.infnet.eval.Summary;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > Inf-Net > Evaluate Segmentation: the paper's evaluation of a folder of predictions against
 * a folder of ground truth. Replaces the standard Results table's rows with the scores (one row per image plus the mean
 * row; macros read them with {@code nResults}/{@code getResult}, with or without {@code csv=}), shows it and a
 * Dice/Sensitivity/Specificity-versus-threshold plot when there is a display, and returns the paper's summary line
 * (which the ImageJ 1.x bridge and Fiji print in the Log window).
 */
@Plugin(type = Command.class, menuPath = "Plugins>Inf-Net>Evaluate Segmentation", headless = true)
public class EvaluateSegmentation implements Command {

    @Parameter(label = "Predictions (probability maps)", style = "directory")
    private File predictions;

    @Parameter(label = "Ground truth (masks)", style = "directory")
    private File groundTruth;

    @Parameter(label = "CSV file (optional)", style = "save", required = false,
            description = "per-image scores; per-threshold curves go to NAME_thresholds.csv beside it")
    private File csv;

    @Parameter(label = "Summary", type = ItemIO.OUTPUT)
    private String summary;

    @Parameter
    private LogService log;

    @Parameter(required = false)
    private StatusService status;

    private ResultsTable table;
    private Plot plot;

    @Override
    public void run() {
        FolderEvaluation.Result r;
        try {
            r = FolderEvaluation.evaluate(predictions.toPath(), groundTruth.toPath(), false,
                    org.infnet.io.ImageFiles::readAsDisplayed, new CommandProgress(status))
                    .requireImages(predictions.toPath(), groundTruth.toPath());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Inf-Net evaluation failed: " + e.getMessage(), e);
        }
        r.problems().forEach(p -> log.warn("Inf-Net evaluation: " + p));
        if (csv != null) {
            try {
                EvalCsv.write(csv.toPath(), r);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Inf-Net evaluation: cannot write " + csv + ": " + e.getMessage(), e);
            }
        }
        table = new ResultsTable();
        for (FolderEvaluation.ImageResult i : r.images()) {
            table.incrementCounter();
            table.addLabel(i.name());
            table.addValue("meanDic", i.scores().meanDice());
            table.addValue("meanSen", i.scores().meanSensitivity());
            table.addValue("meanSpe", i.scores().meanSpecificity());
            table.addValue("Sm", i.scores().sMeasure());
            table.addValue("meanEm", i.scores().meanEMeasure());
            table.addValue("MAE", i.scores().mae());
            table.addValue("Dice@0.5", i.scores().diceAtHalf());
        }
        Summary s = r.summary();
        table.incrementCounter();
        table.addLabel("mean");
        table.addValue("meanDic", s.meanDic());
        table.addValue("meanSen", s.meanSen());
        table.addValue("meanSpe", s.meanSpe());
        table.addValue("Sm", s.sm());
        table.addValue("meanEm", s.meanEm());
        table.addValue("MAE", s.mae());
        plot = curves(r.curves());
        summary = s.formatLine();
        // the scores also go to the standard Results table, where macros read them (nResults, getResult)
        ResultsTable results = ResultsTable.getResultsTable();
        results.reset();
        for (int row = 0; row < table.size(); row++) {
            results.incrementCounter();
            results.addLabel(table.getLabel(row));
            for (String col : table.getHeadings()) {
                if (!col.equals("Label")) {
                    results.addValue(col, table.getValue(col, row));
                }
            }
        }
        if (!GraphicsEnvironment.isHeadless()) {
            results.show("Results");
            plot.show();
        }
    }

    private static Plot curves(MeanCurves c) {
        Plot p = new Plot("Inf-Net: scores vs threshold", "threshold", "score");
        p.setLimits(0, 1, 0, 1);
        p.setColor(Color.RED);
        p.addPoints(c.thresholds(), c.dice(), Plot.LINE);
        p.setColor(Color.BLUE);
        p.addPoints(c.thresholds(), c.sensitivity(), Plot.LINE);
        p.setColor(new Color(0, 140, 0));
        p.addPoints(c.thresholds(), c.specificity(), Plot.LINE);
        p.setColor(Color.BLACK);
        p.addLegend("Dice\nSensitivity\nSpecificity");
        return p;
    }

    /** The per-image results table of the last run. */
    ResultsTable table() {
        return table;
    }

    /** The score-versus-threshold plot of the last run. */
    Plot plot() {
        return plot;
    }
}
