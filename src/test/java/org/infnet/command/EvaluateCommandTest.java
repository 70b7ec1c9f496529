package org.infnet.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.io.FileSaver;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

class EvaluateCommandTest {

    @TempDir
    Path dir;

    @Test
    void perfectPredictionsScoreDiceOneInTableAndSummary() throws Exception {
        Path pred = Files.createDirectories(dir.resolve("pred"));
        Path gt = Files.createDirectories(dir.resolve("gt"));
        ByteProcessor g = new ByteProcessor(20, 10);
        FloatProcessor p = new FloatProcessor(20, 10);
        for (int y = 2; y < 6; y++) {
            for (int x = 3; x < 9; x++) {
                g.set(x, y, 255);
                p.setf(x, y, 1f);
            }
        }
        new FileSaver(new ImagePlus("a", g)).saveAsPng(gt.resolve("a.png").toString());
        new FileSaver(new ImagePlus("a_prob", p)).saveAsTiff(pred.resolve("a_prob.tif").toString());
        try (Context ctx = new Context(CommandService.class)) {
            CommandModule m = ctx.service(CommandService.class)
                    .run(EvaluateSegmentation.class, true, Map.of("predictions", pred.toFile(), "groundTruth", gt.toFile()))
                    .get();
            String summary = (String) m.getOutput("summary");
            // a perfect binary map: Dice 1 at the 255 thresholds t > 0; at t = 0 every pixel is positive,
            // Dice = 2*24/(24+200) = 0.2142857; mean over 256 thresholds = (255 + 0.2142857)/256 = 0.9969308
            assertTrue(summary.startsWith("meanDic:0.997;"), summary);
            EvaluateSegmentation cmd = (EvaluateSegmentation) m.getDelegateObject();
            assertEquals(2, cmd.table().size());
            assertEquals("a", cmd.table().getLabel(0));
            assertEquals(0.9969308, cmd.table().getValue("meanDic", 0), 1e-6);
            assertEquals(0.0, cmd.table().getValue("MAE", 0), 1e-9);
            assertTrue(cmd.plot().getNumPlotObjects() >= 3, "Dice, sensitivity and specificity curves");
        }
    }
}
