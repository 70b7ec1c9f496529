package org.infnet.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.Menus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.infnet.cli.Main;
import org.infnet.infer.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;

/** Inf-Net commands run from ImageJ macros by their menu labels, headless, as in Fiji. */
class MacroBridgeTest {

    @TempDir
    Path dir;

    private int macro(String text, String arg, ByteArrayOutputStream out, ByteArrayOutputStream err) throws Exception {
        Path file = dir.resolve("m" + System.nanoTime() + ".ijm");
        Files.writeString(file, text);
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream stdout = System.out;
        System.setOut(o); // the macro's print() goes to stdout when there is no Log window
        try {
            return Main.run(new String[] {"macro", file.toString(), arg}, o, new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void everyCommandIsRegisteredUnderItsMenuLabelNextToTheBuiltIns() {
        try (Context ctx = new Context()) {
            var infos = CommandBridge.install(ctx);
            assertTrue(infos.size() >= 4, "commands: " + infos.size());
            for (var info : infos) {
                String target = (String) Menus.getCommands().get(CommandBridge.label(info));
                assertEquals(RunSciJavaCommand.class.getName() + "(\"" + info.getClassName() + "\")", target);
            }
            assertTrue(Menus.getCommands().containsKey("Segment Lung Infection"));
            assertTrue(Menus.getCommands().containsKey("Create Selection"), "ImageJ 1.x submenu commands are there too");
        }
    }

    @Test
    void segmentLungInfectionRunsFromAMacroAndReturnsImagesWithTheInputCalibration() throws Exception {
        Path model = TestModels.randomCompact(dir.resolve("model"));
        Path saved = dir.resolve("prob.tif");
        String m = String.join("\n",
                "open(getArgument());",
                "setVoxelSize(0.7, 0.7, 5, \"mm\");",
                "run(\"Segment Lung Infection\", \"model=[" + model + "] threshold=0.5 overlay\");",
                "if (nImages != 3) exit(\"expected 3 images, got \" + nImages);",
                "selectImage(\"phantom_01_probability\");",
                "if (bitDepth() != 32) exit(\"probability is not 32-bit\");",
                "getPixelSize(unit, pw, ph);",
                "print(\"unit=\" + unit + \" pw=\" + pw);",
                "getMinAndMax(min, max);",
                "saveAs(\"Tiff\", \"" + saved + "\");",
                "selectImage(\"phantom_01_mask\");",
                "print(\"mask bits=\" + bitDepth() + \" w=\" + getWidth());");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = macro(m, Path.of("test-images/Imgs/phantom_01.png").toAbsolutePath().toString(), out, err);
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, o + err);
        assertTrue(o.contains("unit=mm pw=0.7"), o);
        assertTrue(o.contains("mask bits=8 w=" + org.infnet.phantom.MakeTestImages.WIDTH), o);
        assertTrue(Files.size(saved) > (long) org.infnet.phantom.MakeTestImages.WIDTH * org.infnet.phantom.MakeTestImages.HEIGHT * 4,
                "probability saved at full size");
    }

    @Test
    void aFailingCommandAbortsTheMacroWithOneErrorLineAndStatusOne() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = macro("newImage(\"x\", \"8-bit black\", 64, 64, 1);\n"
                + "run(\"Segment Lung Infection\", \"model=[" + dir.resolve("no-such-model") + "]\");\n"
                + "print(\"not reached\");", "", out, err);
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.startsWith("error:") && l.contains("no-such-model")),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(!out.toString(StandardCharsets.UTF_8).contains("not reached"));
    }

    @Test
    void aCommandWithoutAnOpenImageSaysSo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = macro("run(\"Show Edge Attention\", \"\");", "", out, err);
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Show Edge Attention needs an open image"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void openImageReadsAFolderOfSlicesAsOneStackAndReportsErrorsAsText() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = macro("t = call(\"org.infnet.ij1.OpenImage.open\", getArgument());\n"
                + "print(\"opened \" + nSlices + \" \" + getWidth());\n"
                + "e = call(\"org.infnet.ij1.OpenImage.open\", getArgument() + \"/missing.nii.gz\");\n"
                + "print(e);", Path.of("test-images/Imgs").toAbsolutePath().toString(), out, err);
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, o + err);
        assertTrue(o.contains("opened 8 " + org.infnet.phantom.MakeTestImages.WIDTH), o);
        assertTrue(o.lines().anyMatch(l -> l.startsWith("error:") && l.contains("missing.nii.gz")), o);
    }

    @Test
    void macroOptionsFollowImageJ1Syntax() {
        Map<String, String> m = MacroOptions.parse("model=[my model] Threshold=0.3 overlay rois=false");
        assertEquals("my model", m.get("model"));
        assertEquals("0.3", m.get("threshold"));
        assertEquals("true", m.get("overlay"));
        assertEquals("false", m.get("rois"));
    }
}
