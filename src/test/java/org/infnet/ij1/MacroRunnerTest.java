package org.infnet.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infnet.cli.Main;
import org.infnet.command.SegmentLungInfection;
import org.infnet.infer.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.scijava.Context;
import org.scijava.prefs.PrefService;

/**
 * The headless {@code macro} runner as a user meets it: every failure stops the macro with exit status 1 and one
 * {@code error:} line naming the cause (issue 18 item 9, issue 19 items 14 and 16), misspelled keys are warned about,
 * remembered dialog values are neither read nor written (issue 19 item 15), and the commands' results land where
 * macros read them (issue 18 items 6-8).
 */
class MacroRunnerTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path model;

    @BeforeAll
    static void model() throws Exception {
        model = TestModels.randomCompact(shared.resolve("model"));
    }

    /** Output of one run: status, stdout (the macro's prints), stderr (everything the JVM printed there too). */
    record Run(int status, String out, String err) {
        List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("error:")).toList();
        }
    }

    private Run macro(String text) throws Exception {
        Path file = dir.resolve("m" + System.nanoTime() + ".ijm");
        Files.writeString(file, text);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream stdout = System.out, stderr = System.err;
        System.setOut(o); // the macro's print() goes to stdout when there is no Log window
        System.setErr(e); // SciJava's and ImageJ's own reports go to the JVM's stderr
        try {
            int status = Main.run(new String[] {"macro", file.toString()}, o, e);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "selectImage of a missing image|selectImage(\"does-not-exist\");|line 2: does-not-exist not found",
        "undefined variable|y = zz + 1;|line 2: Undefined variable",
        "syntax error|x = ;|line 2: Number or numeric function expected",
        "missing parenthesis|print(\"a\"\\nprint(\"b\");|line 2: ')' expected",
        "dialog command headless|run(\"Properties...\", \"channels=1\");|\"Properties...\" needs a dialog or window, which a headless macro cannot show",
        "misspelled command|run(\"Segmnet Lung Infection\", \"threshold=0.5\");|unknown command \"Segmnet Lung Infection\" (did you mean \"Segment Lung Infection\"?)",
    })
    void everyFailureStopsTheMacroWithOneErrorLineAndStatusOne(String what, String line, String expected) throws Exception {
        Run r = macro("newImage(\"x\", \"8-bit black\", 64, 64, 1);\n" + line.replace("\\n", "\n")
                + "\nprint(\"still running\");\n");
        assertEquals(1, r.status(), what + ": " + r);
        assertEquals(1, r.errorLines().size(), r.toString());
        assertTrue(r.errorLines().get(0).contains(expected), "expected '" + expected + "' in: " + r.errorLines());
        assertTrue(r.errorLines().get(0).startsWith("error: m"), "names the macro file: " + r.errorLines());
        assertFalse(r.out().contains("still running"), "the macro stopped at the failure: " + r.out());
        assertFalse(r.err().contains("\tat ") || r.out().contains("\tat "), "no stack trace: " + r);
    }

    @Test
    void aFailingCommandPrintsOneErrorLineAndNoSciJavaStackTrace() throws Exception {
        Run r = macro("newImage(\"x\", \"8-bit black\", 64, 64, 1);\n"
                + "run(\"Segment Lung Infection\", \"model=[" + dir.resolve("no-such-model") + "]\");\n");
        assertEquals(1, r.status());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).contains("no-such-model"), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("[ERROR]") || r.err().contains("Exception"), r.err());
    }

    @Test
    void misspelledKeysAreWarnedWithTheNearestAndTheValidKeys() throws Exception {
        Run r = macro("newImage(\"x\", \"8-bit black\", 64, 64, 1);\n"
                + "run(\"Segment Lung Infection\", \"model=[" + model + "] treshold=0.9 ovrlay\");\n"
                + "print(\"images \" + nImages);\n");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("images 3"), r.out());
        List<String> warnings = r.err().lines().filter(l -> l.startsWith("warning:")).toList();
        assertEquals(2, warnings.size(), r.err());
        assertTrue(warnings.get(0).contains("unknown option 'ovrlay' ignored (did you mean 'overlay'?)"), warnings.get(0));
        assertTrue(warnings.get(1).contains("unknown option 'treshold' ignored (did you mean 'threshold'?)"), warnings.get(1));
        assertTrue(warnings.get(1).contains("valid options: image, model, modelfolder, threshold, level, width, engine, overlay, rois, results, lungs"),
                warnings.get(1));
    }

    @Test
    void rememberedDialogValuesAreNeitherReadNorWritten() throws Exception {
        try (Context ctx = new Context(PrefService.class)) {
            PrefService prefs = ctx.service(PrefService.class);
            String poisoned = dir.resolve("remembered-model-that-does-not-exist").toString();
            prefs.put(SegmentLungInfection.class, "model", poisoned);
            prefs.put(SegmentLungInfection.class, "threshold", "0.99");
            try {
                // without model=, the command's default (the bundled model) is used, not the remembered value
                Run r = macro("newImage(\"x\", \"8-bit black\", 64, 64, 1);\n"
                        + "run(\"Segment Lung Infection\", \"\");\nprint(\"images \" + nImages);\n");
                assertEquals(0, r.status(), r.toString());
                assertTrue(r.out().contains("images 3"), r.out());
                // a run with other values leaves the stored ones as they were
                Run failed = macro("newImage(\"x\", \"8-bit black\", 64, 64, 1);\n"
                        + "run(\"Segment Lung Infection\", \"model=[" + dir.resolve("other") + "] threshold=0.3\");\n");
                assertEquals(1, failed.status());
                assertEquals(poisoned, prefs.get(SegmentLungInfection.class, "model"));
                assertEquals("0.99", prefs.get(SegmentLungInfection.class, "threshold"));
            } finally {
                prefs.remove(SegmentLungInfection.class, "model");
                prefs.remove(SegmentLungInfection.class, "threshold");
            }
            assertNull(prefs.get(SegmentLungInfection.class, "model"));
        }
    }

    @Test
    void evaluateWithoutCsvFillsTheResultsTableAndPrintsTheSummary() throws Exception {
        Path gt = Path.of("test-images", "GT").toAbsolutePath();
        Run r = macro("run(\"Evaluate Segmentation\", \"predictions=[" + gt + "] groundtruth=[" + gt + "]\");\n"
                + "print(\"rows \" + nResults);\n"
                + "print(\"last \" + getResultLabel(nResults - 1) + \" Sm \" + d2s(getResult(\"Sm\", nResults - 1), 3));\n");
        assertEquals(0, r.status(), r.toString());
        long images;
        try (var s = Files.list(gt)) {
            images = s.count();
        }
        assertTrue(r.out().contains("rows " + (images + 1)), "one row per image and the mean row: " + r.out());
        assertTrue(r.out().contains("last mean Sm 1.000"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("meanDic:")), "the summary line: " + r.out());
    }

    @Test
    void reRunningReplacesTheOverlayAndTheOutputImagesAndTheLungMaskIs0Or255() throws Exception {
        Path slice = Path.of("test-images", "Imgs", "phantom_01.png").toAbsolutePath();
        String run = "run(\"Segment Lung Infection\", \"model=[" + model + "] threshold=0.5 overlay lungs\");\n";
        Run r = macro("open(\"" + slice + "\");\n"
                + "makeRectangle(5, 5, 20, 20);\nOverlay.addSelection;\nrun(\"Select None\");\n" // the user's own item
                + run + "selectImage(\"phantom_01.png\");\nfirst = Overlay.size;\n"
                + run + "selectImage(\"phantom_01.png\");\n"
                + "print(\"overlay \" + first + \" -> \" + Overlay.size + \", images \" + nImages);\n"
                + "selectImage(\"phantom_01_lung\");\ngetHistogram(values, counts, 256);\n"
                + "other = 0; for (i = 1; i < 255; i++) other += counts[i];\n"
                + "print(\"lung 0:\" + counts[0] + \" 255:\" + counts[255] + \" other:\" + other);\n");
        assertEquals(0, r.status(), r.toString());
        String line = r.out().lines().filter(l -> l.startsWith("overlay ")).findFirst().orElseThrow();
        String[] n = line.replaceAll("[^0-9 ]", " ").trim().split("\\s+");
        assertEquals(n[0], n[1], "the second run replaced the first run's overlay: " + line);
        assertTrue(Integer.parseInt(n[0]) > 1, "the user's item and the infection/lung items: " + line);
        assertEquals("4", n[2], "the CT and one probability, mask and lung image: " + line);
        String lung = r.out().lines().filter(l -> l.startsWith("lung ")).findFirst().orElseThrow();
        assertTrue(lung.endsWith("other:0") && !lung.contains("255:0 "), lung);
    }
}
