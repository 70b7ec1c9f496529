package org.infnet.cli;

import org.infnet.command.RunCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.command.InfNetService;
import org.infnet.command.SegmentLungInfection;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.image.ImageConversions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * Issue 18 item 1: the same file segmented through the command line ({@code segment}, its default streams), the
 * SciJava command (through {@link CommandService}, as Fiji runs it) and the headless {@code macro} runner gives
 * the same probability map within 1e-5, with the bundled model on a CT-like test slice.
 */
class EntryPointsAgreeTest {

    static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void cliCommandAndMacroGiveTheSameProbabilityMap() throws Exception {
        Path input = Path.of("test-images", "Imgs", "phantom_04.png").toAbsolutePath();

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8);
        // 1. the SciJava command, on the image as ImageJ opens it (what the ImageJ 1.x bridge hands over)
        float[] command;
        try (Context ctx = new Context(CommandService.class, InfNetService.class)) {
            ImagePlus imp = IJ.openImage(input.toString());
            @SuppressWarnings("unchecked")
            Img<FloatType> prob = (Img<FloatType>) RunCommand.run(ctx, SegmentLungInfection.class, Map.of("image", ImageConversions.toSegmentationInput(imp), "model", "infnet-compact",
                            "overlay", false)).getOutput("probability");
            command = InfectionSegmenter.floats(prob);
        }

        // 2. the macro runner
        Path saved = dir.resolve("macro_prob.tif");
        Path macro = dir.resolve("m.ijm");
        Files.writeString(macro, String.join("\n",
                "open(\"" + input + "\");",
                "run(\"Segment Lung Infection\", \"model=infnet-compact threshold=0.5\");",
                "selectImage(\"phantom_04_probability\");",
                "saveAs(\"Tiff\", \"" + saved + "\");"));
        assertEquals(0, Main.run(new String[] {"macro", macro.toString()}, p, p), log.toString(StandardCharsets.UTF_8));
        float[] viaMacro = pixels(IJ.openImage(saved.toString()));

        // 3. the command line, with its default settings (last: it sets the engine for the process)
        Path cliOut = dir.resolve("cli");
        assertEquals(0, Main.run(new String[] {"segment", input.toString(), "--output", cliOut.toString()}, p, p),
                log.toString(StandardCharsets.UTF_8));
        float[] cli = pixels(IJ.openImage(cliOut.resolve("phantom_04_prob.tif").toString()));

        assertEquals(cli.length, command.length);
        assertEquals(cli.length, viaMacro.length);
        double cmdDiff = 0, macroDiff = 0;
        int infected = 0;
        for (int i = 0; i < cli.length; i++) {
            cmdDiff = Math.max(cmdDiff, Math.abs(cli[i] - command[i]));
            macroDiff = Math.max(macroDiff, Math.abs(cli[i] - viaMacro[i]));
            infected += cli[i] >= 0.5f ? 1 : 0;
        }
        System.out.printf(java.util.Locale.ROOT, "[entry points] phantom_04: %d infected px (CLI); max |CLI - command| %.2e,"
                + " max |CLI - macro| %.2e%n", infected, cmdDiff, macroDiff);
        assertTrue(infected > 0, "the bundled model finds infection on phantom_04");
        assertTrue(cmdDiff <= TOLERANCE, "CLI vs command: max difference " + cmdDiff);
        assertTrue(macroDiff <= TOLERANCE, "CLI vs macro: max difference " + macroDiff);
    }

    private static float[] pixels(ImagePlus imp) {
        return (float[]) imp.getProcessor().convertToFloat().getPixels();
    }
}
