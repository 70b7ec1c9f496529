package org.infnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infnet.ij1.PluginsConfig;
import org.infnet.infer.TestModels;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomNifti;
import org.infnet.phantom.PhantomVolume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bundled macro runs headless through {@code java -jar Inf_Net.jar macro}, as it runs in Fiji, on
 * {@code test-images/} (and on a NIfTI phantom volume built here), and plugins.config points at them.
 */
class MacrosTest {

    @TempDir
    static Path shared;

    static Path model;

    @TempDir
    Path dir;

    @BeforeAll
    static void model() throws Exception {
        model = TestModels.randomCompact(shared.resolve("model"));
    }

    private static String run(String macro, String arg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream stdout = System.out;
        System.setOut(o);
        int status;
        try {
            status = Main.run(new String[] {"macro", Path.of("macros", macro).toString(), arg}, o,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, macro + " failed:\n" + text + err.toString(StandardCharsets.UTF_8));
        return text;
    }

    @Test
    void segmentFolderWritesMapsMasksAndASummaryRowPerSlice() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        for (String n : List.of("phantom_01.png", "phantom_05.png")) {
            Files.copy(Path.of("test-images", "Imgs", n), in.resolve(n));
        }
        Path out = dir.resolve("out");
        String printed = run("Segment_Folder.ijm", in + "," + out + "," + model + ",0.5");
        assertTrue(printed.contains("segmented 2 slices"), printed);
        for (String n : List.of("phantom_01", "phantom_05")) {
            org.infnet.image.GrayImage input = org.infnet.io.ImageFiles.read(in.resolve(n + ".png"));
            assertTrue(Files.size(out.resolve(n + "_prob.tif")) > (long) input.width() * input.height() * 4, n);
            assertTrue(Files.exists(out.resolve(n + "_mask.png")), n);
        }
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(3, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(0).contains("Infected (px)") && csv.get(0).contains("Mean probability"), csv.get(0));
        assertTrue(csv.get(1).contains("phantom_01.png:slice-0001"), csv.get(1));
    }

    @Test
    void segmentVolumeMeasuresLungsOfANiftiPhantomAgainstItsTruth() throws Exception {
        PhantomGenerator.Params p = PhantomGenerator.Params.defaults().withSize(192).withLesionCount(6);
        PhantomVolume pv = new PhantomGenerator(5).volume(p, 6, 5.0);
        Path nii = PhantomNifti.write(pv, dir.resolve("patient.nii.gz"));
        Path out = dir.resolve("out");
        String printed = run("Segment_Volume.ijm", nii + "," + out + "," + model);
        assertTrue(printed.contains("patient: infected"), printed);
        for (String f : List.of("patient_prob.tif", "patient_mask.tif", "patient_lungs.tif", "patient_burden.csv")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        List<String> csv = Files.readAllLines(out.resolve("patient_burden.csv"));
        assertEquals(1 + 6 + 1, csv.size(), "6 slice rows and one volume row:\n" + String.join("\n", csv));
        String[] head = csv.get(0).split(",");
        String[] vol = csv.get(csv.size() - 1).split(",");
        assertTrue(csv.get(csv.size() - 1).contains("patient:volume"), csv.get(csv.size() - 1));
        double lungMl = Double.parseDouble(vol[List.of(head).indexOf("Lung (mL)")]);
        assertEquals(pv.lungVolumeMl(), lungMl, 0.05 * pv.lungVolumeMl(), "lung volume vs the phantom's truth");
    }

    @Test
    void evaluateFolderPrintsThePapersLineAndWritesCsv() throws Exception {
        Path out = dir.resolve("eval");
        String printed = run("Evaluate_Folder.ijm", Path.of("test-images", "GT").toAbsolutePath() + ","
                + Path.of("test-images", "GT").toAbsolutePath() + "," + out);
        // GT scored against itself: perfect structure and no error; meanDic < 1 because the protocol also
        // thresholds binary maps at levels where everything or nothing is foreground
        assertTrue(printed.contains("Sm:1.000;") && printed.contains("MAE:0.000"), printed);
        assertTrue(printed.startsWith("meanDic:"), printed);
        assertTrue(Files.readAllLines(out.resolve("evaluation.csv")).size() > 8);
        assertTrue(Files.exists(out.resolve("evaluation_thresholds.csv")));
    }

    @Test
    void pluginsConfigRegistersEveryBundledMacroUnderExamples() throws Exception {
        List<PluginsConfig.Entry> entries;
        try (var in = Files.newInputStream(Path.of("plugins.config"))) {
            // the command entries are checked by Ij1EntryPointsTest
            entries = PluginsConfig.read(in).stream().filter(e -> e.command().startsWith("ij.plugin.Macro_Runner")).toList();
        }
        try (var macros = Files.list(Path.of("macros"))) {
            assertEquals(macros.count(), entries.size(), "one entry per macro");
        }
        for (PluginsConfig.Entry e : entries) {
            assertEquals("Plugins>Inf-Net>Examples", e.menu());
            int i = e.command().indexOf("JAR:");
            assertTrue(i > 0, e.command());
            assertTrue(Files.exists(Path.of(e.command().substring(i + 4, e.command().indexOf('"', i)))), e.command());
        }
    }
}
