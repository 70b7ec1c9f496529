package org.infnet.cli;

import static org.infnet.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.infnet.infer.LesionClasses;
import org.infnet.infer.TestModels;
import org.infnet.io.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segment --multiclass} writes labels and class maps; {@code evaluate --class} scores one class. */
class MultiClassCliTest {

    @TempDir
    Path dir;

    @Test
    void segmentMulticlassWritesLabelsAndClassProbabilities() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        byte[] px = new byte[36 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 5);
        }
        ImageFiles.writePng8(in.resolve("a.png"), px, 36, 28);
        Path out = dir.resolve("out");
        MainTest.Run r = run("segment", in.toString(), "--multiclass", "--output", out.toString(), "--model",
                TestModels.randomTinyUNet(dir.resolve("mc")).toString(), "--prior-model",
                TestModels.randomTiny(dir.resolve("inf")).toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("a.png: GGO "), r.out());
        for (String f : new String[] {"a_labels.png", "a_ggo_prob.tif", "a_consolidation_prob.tif"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        var labels = ImageFiles.read(out.resolve("a_labels.png"));
        for (float v : labels.pixels()) {
            assertTrue(v == 0 || v == 1 || v == 2, "label " + v);
        }
        MainTest.Run bad = run("segment", in.toString(), "--multiclass", "--edges", "--output", out.toString());
        assertEquals(2, bad.status());
    }

    @Test
    void evaluateClassScoresTheClassMapAgainstGtEqualToTheClass() throws Exception {
        Path gt = dir.resolve("gt");
        Path pred = dir.resolve("pred");
        Files.createDirectories(gt);
        Files.createDirectories(pred);
        int w = 20;
        int h = 10;
        byte[] lab = new byte[w * h];
        float[] ggo = new float[w * h];
        float[] cons = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                lab[i] = (byte) (x < 5 ? 1 : x < 8 ? 2 : 0);
                ggo[i] = x < 5 ? 1f : 0f; // perfect GGO map
                cons[i] = x < 5 ? 1f : 0f; // consolidation map that marks the GGO instead
            }
        }
        ImageFiles.writeIndexedPng(gt.resolve("s.png"), lab, w, h, LesionClasses.lut());
        ImageFiles.writeFloatTiff(pred.resolve("s_ggo_prob.tif"), ggo, w, h, null);
        ImageFiles.writeFloatTiff(pred.resolve("s_consolidation_prob.tif"), cons, w, h, null);
        ImageFiles.writePng8(pred.resolve("s_labels.png"), lab, w, h);
        MainTest.Run r1 = run("evaluate", "--pred", pred.toString(), "--gt", gt.toString(), "--class", "ggo");
        assertEquals(0, r1.status(), r1.err());
        // Dice 1 at 255 of the 256 thresholds; at threshold 0 all 200 pixels count: 2*50/(200+50) = 0.4
        assertTrue(r1.out().contains("meanDic:0.998;"), r1.out()); // (255 + 0.4) / 256
        assertTrue(r1.out().contains("images: 1"), r1.out());
        MainTest.Run r2 = run("evaluate", "--pred", pred.toString(), "--gt", gt.toString(), "--class", "2");
        assertEquals(0, r2.status(), r2.err());
        // no overlap except at threshold 0: 2*30/(200+30) = 0.26, / 256
        assertTrue(r2.out().contains("meanDic:0.001;"), r2.out());
        assertEquals(2, run("evaluate", "--pred", pred.toString(), "--gt", gt.toString(), "--class", "lungs").status());
    }
}
