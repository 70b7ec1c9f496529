package org.infnet.semisup;

import org.infnet.command.RunCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.infnet.cli.Main;
import org.infnet.command.GeneratePseudoLabels;
import org.infnet.io.ImageFiles;
import org.infnet.train.SingleThreaded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/** The Fiji command, the CLI and the agreement score (training at scale 0.25 of 352 = side 96 to stay fast). */
@ExtendWith(SingleThreaded.class)
class PseudoLabelFrontEndsTest {

    @TempDir
    Path dir;


    /** A 10x10 label with a 5x4 block of 255 at (2..6, 3..6), 0 elsewhere. */
    private static byte[] block() {
        byte[] b = new byte[100];
        for (int y = 3; y < 7; y++) {
            for (int x = 2; x < 7; x++) {
                b[y * 10 + x] = (byte) 255;
            }
        }
        return b;
    }

    @Test
    void agreementScoresOnlyTheSlicesInBothFolders() throws Exception {
        Path ours = dir.resolve("ours");
        Path ref = dir.resolve("ref");
        Files.createDirectories(ours.resolve("GT"));
        Files.createDirectories(ref.resolve("GT"));
        for (String n : new String[] {"a", "b"}) {
            ImageFiles.writePng8(ours.resolve("GT").resolve(n + ".png"), block(), 10, 10);
        }
        for (String n : new String[] {"a", "b", "c"}) {
            ImageFiles.writePng8(ref.resolve("GT").resolve(n + ".png"), block(), 10, 10);
        }
        Agreement a = Agreement.score(ours, ref.resolve("GT"));
        assertEquals(2, a.slices());
        assertEquals(java.util.List.of(), a.problems(), "the reference's extra slice is not a problem");
        // identical labels: Dice 1 at the 255 thresholds above 0, 2*20/(20+100) = 1/3 at threshold 0
        assertEquals((255 + 1.0 / 3) / 256, a.summary().meanDic(), 1e-6);
        assertTrue(a.formatLine().startsWith("agreement over 2 slices: meanDic:0.997;"), a.formatLine());
    }

    @Test
    void theCommandRunsThroughTheCommandServiceAndContinuesInTheSameFolder() throws Exception {
        Fixtures.Inputs f = Fixtures.inputs(dir, 3);
        Path out = dir.resolve("out");
        Map<String, Object> in = new HashMap<>();
        in.put("labelled", f.labelled().toFile());
        in.put("unlabelled", f.unlabelled().resolve("Imgs").toFile());
        in.put("model", f.model().toString());
        in.put("output", out.toFile());
        in.put("k", 2);
        in.put("epochs", 1);
        in.put("batch", 4);
        in.put("scales", "0.25");
        in.put("maxRounds", 1);
        try (Context ctx = new Context(CommandService.class)) {
            CommandService cs = ctx.service(CommandService.class);
            org.scijava.module.Module m = RunCommand.run(ctx, GeneratePseudoLabels.class, in);
            assertEquals("1/1 rounds, 2 pseudo labels in " + out, m.getOutput("summary"));
            assertEquals(2, ImageFilesCount.of(out.resolve("GT")));
            in.put("maxRounds", 0);
            m = RunCommand.run(ctx, GeneratePseudoLabels.class, in);
            assertEquals("2/2 rounds, 3 pseudo labels in " + out, m.getOutput("summary"));
            assertEquals(3, ImageFilesCount.of(out.resolve("Edge")));
        }
    }

    @Test
    void theCliWritesLabelsAndScoresThemAgainstAReference() throws Exception {
        Fixtures.Inputs f = Fixtures.inputs(dir, 3);
        Path ref = dir.resolve("ref");
        Files.createDirectories(ref);
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[Fixtures.UW * Fixtures.UH];
            for (int p = 0; p < b.length / 3; p++) {
                b[p] = (byte) 255;
            }
            ImageFiles.writePng8(ref.resolve("u" + i + ".png"), b, Fixtures.UW, Fixtures.UH);
        }
        Path out = dir.resolve("out");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"pseudo-label", "--labelled", f.labelled().toString(), "--unlabelled",
            f.unlabelled().toString(), "--init", f.model().toString(), "--output", out.toString(), "--k", "2",
            "--epochs-per-round", "1", "--batch", "4", "--scales", "0.25", "--max-rounds", "1", "--seed", "5",
            "--reference", ref.toString()},
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        String text = o.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, e.toString(StandardCharsets.UTF_8) + text);
        assertTrue(text.contains("1/1 rounds done, 2 pseudo-labelled slices in " + out), text);
        assertTrue(text.contains("agreement over 2 slices: meanDic:"), text);
        assertTrue(Files.readString(out.resolve("semisup/state.json")).contains("\"seed\": 5"));
        assertEquals(2, Main.run(new String[] {"pseudo-label", "--labelled", f.labelled().toString(), "--k", "x"},
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8)));
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("error: --k needs a whole number, got 'x'"));
    }

    /** Counts the PNG files of a folder. */
    private static final class ImageFilesCount {
        static long of(Path folder) throws java.io.IOException {
            try (java.util.stream.Stream<Path> s = Files.list(folder)) {
                return s.filter(p -> p.toString().endsWith(".png")).count();
            }
        }
    }
}
