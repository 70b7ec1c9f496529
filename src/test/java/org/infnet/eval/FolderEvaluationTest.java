package org.infnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.infnet.eval.FolderEvaluation.ImageResult;
import org.infnet.eval.FolderEvaluation.Problem;
import org.infnet.eval.FolderEvaluation.ProblemKind;
import org.infnet.eval.FolderEvaluation.Result;
import org.infnet.image.GrayImage;
import org.infnet.io.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderEvaluationTest {

    @TempDir
    Path tmp;

    /** Writes an 8-bit gray image; {@code v(x, y)} gives the value. */
    private static void gray(Path file, int w, int h, java.util.function.IntBinaryOperator v) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, v.applyAsInt(x, y));
            }
        }
        String fn = file.getFileName().toString();
        ImageIO.write(img, fn.substring(fn.lastIndexOf('.') + 1), file.toFile());
    }

    @Test
    void baseNames() {
        assertEquals("case1", FolderEvaluation.baseName("case1.png"));
        assertEquals("a.b", FolderEvaluation.baseName("a.b.tif"));
        assertEquals("case1", FolderEvaluation.predictionBaseName("case1_prob.png"));
        assertEquals("case1", FolderEvaluation.predictionBaseName("case1.png"));
        assertEquals("_prob", FolderEvaluation.predictionBaseName("_prob.png"));
        assertTrue(FolderEvaluation.isImageFile("x.TIF"));
        assertFalse(FolderEvaluation.isImageFile("x.txt"));
    }

    @Test
    void matchesByBaseNameReportsUnmatchedAndResizesToGt() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("pred"));
        Path gt = Files.createDirectories(tmp.resolve("gt"));
        // a: GT 8x8 left half; prediction 4x4 (resized to 8x8), '_prob' suffix, other extension
        gray(gt.resolve("a.png"), 8, 8, (x, y) -> x < 4 ? 255 : 0);
        gray(pred.resolve("a_prob.tif"), 4, 4, (x, y) -> x < 2 ? 200 : 10);
        // b: same size, exact name
        gray(gt.resolve("b.png"), 6, 6, (x, y) -> y < 3 ? 255 : 0);
        gray(pred.resolve("b.png"), 6, 6, (x, y) -> y < 3 ? 180 : 20);
        // c: GT without a prediction; d: prediction without a GT
        gray(gt.resolve("c.png"), 4, 4, (x, y) -> 0);
        gray(pred.resolve("d.png"), 4, 4, (x, y) -> 0);
        // e: unreadable prediction
        gray(gt.resolve("e.png"), 4, 4, (x, y) -> 255);
        Files.writeString(pred.resolve("e.png"), "this is not a PNG");
        // a non-image file is ignored, but listed
        Files.writeString(pred.resolve("notes.txt"), "hello");

        Result r = FolderEvaluation.evaluate(pred, gt);
        List<String> names = r.images().stream().map(ImageResult::name).toList();
        assertEquals(List.of("a", "b"), names);
        ImageResult a = r.images().get(0);
        assertEquals(8, a.width());
        assertEquals(8, a.height());
        assertTrue(a.resized());
        assertEquals(pred.resolve("a_prob.tif"), a.prediction());
        // resized step edge: columns 0..2 stay high, column 3 is interpolated (src x = 1.25), 4 (1.75)
        // -> after normalisation Dice at 0.5 is perfect: 4 columns high
        assertEquals(1.0, a.scores().diceAtHalf(), 1e-12);
        assertFalse(r.images().get(1).resized());
        assertEquals(1.0, r.images().get(1).scores().maxDice(), 1e-12);

        Set<String> kinds = r.problems().stream().map(p -> p.kind() + ":" + p.name()).collect(Collectors.toSet());
        assertEquals(Set.of("UNMATCHED_GT:c", "UNMATCHED_PREDICTION:d", "UNREADABLE:e"), kinds);
        assertEquals(List.of(pred.resolve("notes.txt")), r.ignored());
        assertEquals(2, r.summary().images());
        assertEquals(2, r.curves().images());
        EvalAccumulator acc = new EvalAccumulator();
        r.images().forEach(i -> acc.add(i.scores()));
        assertEquals(acc.summary(), r.summary());

        FolderEvaluation.EvaluationException ex = assertThrows(FolderEvaluation.EvaluationException.class,
                () -> FolderEvaluation.evaluate(pred, gt, true));
        assertEquals(3, ex.problems().size());
        assertTrue(ex.getMessage().contains("UNMATCHED_GT c"), ex.getMessage());
    }

    @Test
    void strictPassesWhenEverythingMatches() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        gray(gt.resolve("x.png"), 5, 5, (x, y) -> x + y < 4 ? 255 : 0);
        gray(pred.resolve("x_prob.png"), 5, 5, (x, y) -> 255 - 20 * (x + y));
        Result r = FolderEvaluation.evaluate(pred, gt, true);
        assertEquals(1, r.images().size());
        assertTrue(r.problems().isEmpty());
        assertTrue(r.summary().meanDic() > 0.5);
    }

    @Test
    void duplicatesAndZeroOneMasksAreReported() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        gray(gt.resolve("x.png"), 4, 4, (x, y) -> x < 2 ? 1 : 0); // a 0/1 mask: counts as empty
        gray(pred.resolve("x.png"), 4, 4, (x, y) -> x < 2 ? 255 : 0);
        gray(pred.resolve("x_prob.png"), 4, 4, (x, y) -> 0);
        Result r = FolderEvaluation.evaluate(pred, gt);
        assertEquals(1, r.images().size());
        assertEquals(pred.resolve("x.png"), r.images().get(0).prediction()); // first in name order wins
        List<ProblemKind> kinds = r.problems().stream().map(Problem::kind).toList();
        assertEquals(List.of(ProblemKind.DUPLICATE, ProblemKind.WARNING), kinds);
    }

    @Test
    void emptyFoldersAreAProblem() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        Result r = FolderEvaluation.evaluate(pred, gt);
        assertEquals(0, r.images().size());
        assertEquals(1, r.problems().size());
        assertTrue(Double.isNaN(r.summary().meanDic()));
        assertThrows(IOException.class, () -> FolderEvaluation.evaluate(tmp.resolve("missing"), gt));
    }

    @Test
    void customReaderAndInvalidPrediction() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        Files.writeString(pred.resolve("k.png"), "");
        Files.writeString(gt.resolve("k.png"), "");
        Result r = FolderEvaluation.evaluate(pred, gt, false, f -> f.startsWith(pred)
                ? GrayImage.of(new float[] {0, Float.NaN}, 2, 1)
                : GrayImage.of(new float[] {0, 255}, 2, 1));
        assertEquals(0, r.images().size());
        assertEquals(ProblemKind.INVALID, r.problems().get(0).kind());
    }

    @Test
    void csvOutput() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        gray(gt.resolve("x,1.png"), 4, 4, (x, y) -> x < 2 ? 255 : 0);
        gray(pred.resolve("x,1.png"), 4, 4, (x, y) -> x < 2 ? 255 : 0);
        Result r = FolderEvaluation.evaluate(pred, gt, true);
        Path perImage = tmp.resolve("img.csv");
        Path perT = tmp.resolve("thr.csv");
        EvalCsv.writePerImage(perImage, r.images());
        EvalCsv.writePerThreshold(perT, r.curves());
        List<String> lines = Files.readAllLines(perImage);
        assertEquals(EvalCsv.PER_IMAGE_HEADER, lines.get(0));
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).startsWith("\"x,1\",4,4,false,1.000000,"), lines.get(1));
        assertEquals(EvalCsv.PER_IMAGE_HEADER.split(",").length + 1, lines.get(1).split(",").length); // quoted comma
        List<String> t = Files.readAllLines(perT);
        assertEquals(257, t.size());
        assertEquals(EvalCsv.PER_THRESHOLD_HEADER, t.get(0));
        assertTrue(t.get(1).startsWith("1.000000,1.000000,"), t.get(1));
        assertTrue(t.get(256).startsWith("0.000000,"), t.get(256));
    }

    // ------------------------------------------------------------------ reading

    @Test
    void readsGray8Gray16RgbAndPalette() throws IOException {
        Path g8 = tmp.resolve("g8.png");
        gray(g8, 3, 2, (x, y) -> 10 * x + 100 * y);
        GrayImage a = ImageFiles.readAsDisplayed(g8);
        assertEquals(3, a.width());
        assertEquals(2, a.height());
        assertEquals(110f, a.pixels()[4]);

        BufferedImage u16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        u16.getRaster().setSample(0, 0, 0, 1000);
        u16.getRaster().setSample(1, 0, 0, 60000);
        Path p16 = tmp.resolve("g16.png");
        ImageIO.write(u16, "png", p16.toFile());
        GrayImage b = ImageFiles.readAsDisplayed(p16);
        assertEquals(1000f, b.pixels()[0]);
        assertEquals(60000f, b.pixels()[1]);

        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xFF0000);
        rgb.setRGB(1, 0, 0xFFFFFF);
        Path pr = tmp.resolve("rgb.png");
        ImageIO.write(rgb, "png", pr.toFile());
        GrayImage c = ImageFiles.readAsDisplayed(pr);
        assertEquals(0.299f * 255, c.pixels()[0], 1e-3f);
        assertEquals(255f, c.pixels()[1], 1e-3f);

        // palette PNG: index 1 -> white (a typical indexed mask)
        byte[] red = {0, (byte) 255};
        java.awt.image.IndexColorModel cm = new java.awt.image.IndexColorModel(1, 2, red, red.clone(), red.clone());
        BufferedImage idx = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, cm);
        idx.getRaster().setSample(1, 0, 0, 1);
        Path pi = tmp.resolve("idx.png");
        ImageIO.write(idx, "png", pi.toFile());
        GrayImage d = ImageFiles.readAsDisplayed(pi);
        assertEquals(0f, d.pixels()[0], 1e-3f);
        assertEquals(255f, d.pixels()[1], 1e-3f);
    }

    @Test
    void unreadableAndMissingFilesThrow() throws IOException {
        Path bad = tmp.resolve("bad.png");
        Files.writeString(bad, "garbage");
        assertThrows(IOException.class, () -> ImageFiles.readAsDisplayed(bad));
        assertThrows(IOException.class, () -> ImageFiles.readAsDisplayed(tmp.resolve("none.png")));
        assertNotNull(tmp);
    }
}
