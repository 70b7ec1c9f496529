package org.infnet.cli;

import static org.infnet.io.TestFiles.listing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.infnet.cli.MainTest.Run;
import org.infnet.infer.TestModels;
import org.infnet.io.HostileFiles;
import org.infnet.io.ImageFiles;
import org.infnet.io.SafeTensors;
import org.infnet.model.ModelDescriptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile but realistic user found beyond the 51 known cases (issue 19, items 1-13, 17, 18; see
 * doc/bad-inputs.md rows 52 on): each is answered with the right result, or one line {@code error: ...} naming
 * the cause and what to do, a non-zero status and nothing written.
 */
class HostileInputCliTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @TempDir
    static Path shared;
    static Path model;

    @TempDir
    Path dir;

    @BeforeAll
    static void model() throws IOException {
        model = TestModels.randomTiny(shared.resolve("model"));
    }

    /** Asserts status 1 (or {@code status}), one {@code error:} line containing all {@code parts}. */
    private static String fails(Run r, int status, String... parts) {
        assertEquals(status, r.status(), r.err());
        String err = r.err();
        assertTrue(err.startsWith("error: "), err);
        assertEquals(1, err.strip().lines().count(), "one line: " + err);
        for (String p : parts) {
            assertTrue(err.contains(p), "'" + p + "' missing from: " + err);
        }
        return err.strip();
    }

    private Path out() {
        return dir.resolve("out");
    }

    private Run segment(Path input, Path modelDir, String... more) {
        List<String> all = new ArrayList<>(List.of("segment", input.toString(), "--output", out().toString(),
                "--model", modelDir.toString()));
        all.addAll(List.of(more));
        return MainTest.run(all.toArray(String[]::new));
    }

    private static Run ok(Run r) {
        assertEquals(0, r.status(), r.err() + r.out());
        return r;
    }

    private float[] prob(String base) throws IOException {
        return ImageFiles.read(out().resolve(base + "_prob.tif")).pixels();
    }

    /** A 32x32 gray ramp. */
    private static byte[] gray() {
        byte[] px = new byte[32 * 32];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) ((i * 5 + i / 32 * 11) & 0xff);
        }
        return px;
    }

    private static List<String> warnings(Run r) {
        return r.out().lines().filter(l -> l.startsWith("warning: ")).toList();
    }

    // ---- 1-3: images read as they look -----------------------------------------------------------

    @Test
    void invertingPalettePngIsSegmentedAsTheGrayItShows() throws IOException {
        byte[] shown = gray();
        ImageFiles.writePng8(dir.resolve("plain.png"), shown, 32, 32);
        byte[] index = new byte[shown.length];
        byte[] inv = new byte[256];
        for (int i = 0; i < 256; i++) {
            inv[i] = (byte) (255 - i);
        }
        for (int i = 0; i < shown.length; i++) {
            index[i] = (byte) (255 - (shown[i] & 0xff));
        }
        HostileFiles.palettePng(dir.resolve("inverted.png"), index, 32, 32, inv, inv, inv);
        ok(segment(dir.resolve("plain.png"), model));
        Run r = ok(segment(dir.resolve("inverted.png"), model));
        assertEquals(List.of(), warnings(r));
        assertTrue(Arrays.equals(prob("plain"), prob("inverted")), "same probabilities as the gray image it shows");
    }

    @Test
    void grayAlphaPngIsSegmentedByItsGrayValuesAndTransparencyIsReported() throws IOException {
        byte[] g = gray();
        int[] gi = new int[g.length];
        int[] opaque = new int[g.length];
        int[] half = new int[g.length];
        for (int i = 0; i < g.length; i++) {
            gi[i] = g[i] & 0xff;
            opaque[i] = 255;
            half[i] = i % 32 < 16 ? 255 : 128;
        }
        ImageFiles.writePng8(dir.resolve("plain.png"), g, 32, 32);
        HostileFiles.grayAlphaPng(dir.resolve("opaque.png"), gi, opaque, 32, 32);
        HostileFiles.grayAlphaPng(dir.resolve("half.png"), gi, half, 32, 32);
        ok(segment(dir.resolve("plain.png"), model));
        assertEquals(List.of(), warnings(ok(segment(dir.resolve("opaque.png"), model))));
        Run r = ok(segment(dir.resolve("half.png"), model));
        assertEquals(List.of("warning: " + dir.resolve("half.png") + ": 512 pixels are partly or fully transparent;"
                + " transparency was ignored and their stored values used (a CT slice has no transparency)"),
                warnings(r));
        assertTrue(Arrays.equals(prob("plain"), prob("opaque")));
        assertTrue(Arrays.equals(prob("plain"), prob("half")), "transparent pixels are not composited on white");
    }

    @Test
    void multiPageTiffOfMixedSizesIsRefused() throws IOException {
        Path tif = HostileFiles.multiPageTiff(dir.resolve("pages.tif"), List.of(new int[] {32, 32}, new int[] {16, 8}));
        fails(segment(tif, model), 1, "error: Image file " + tif + " holds 2 pages of different sizes or types"
                + " (32x32 8-bit, 16x8 8-bit); only the first would be read: save each page as its own file");
        assertEquals(List.of(), listing(out()));
    }

    // ---- 4-5: NIfTI variants and HU ranges -------------------------------------------------------

    private static double[] huPhantom(int w, int h, int d, double offset) {
        double[] v = new double[w * h * d];
        for (int z = 0; z < d; z++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double dx = (x - w / 2.0) / (w / 2.0);
                    double dy = (y - h / 2.0) / (h / 2.0);
                    double r = dx * dx + dy * dy;
                    double hu = r > 0.8 ? -1000 : r > 0.5 ? 40 : Math.abs(dx) > 0.15 ? -850 : 30;
                    if (Math.abs(dx - 0.4) < 0.1 && Math.abs(dy) < 0.1) {
                        hu = -300; // a lesion
                    }
                    v[(z * h + y) * w + x] = hu + offset;
                }
            }
        }
        return v;
    }

    @Test
    void fourDNiftiIsRefusedAndReaderWarningsArePrinted() throws IOException {
        double[] vol = huPhantom(24, 24, 3, 0);
        double[] two = Arrays.copyOf(vol, vol.length * 2);
        System.arraycopy(vol, 0, two, vol.length, vol.length);
        Path nii4 = Files.write(dir.resolve("dyn.nii"), HostileFiles.nifti(HostileFiles.niftiHeader(
                ByteOrder.LITTLE_ENDIAN, new short[] {4, 24, 24, 3, 2, 1, 1, 1}, 16, 32, 1, 0, true, 10),
                HostileFiles.voxels(two, 16, ByteOrder.LITTLE_ENDIAN)));
        fails(segment(nii4, model), 1, "error: " + nii4 + ": holds 2 volumes (a 4D or 5D NIfTI file); only 3D"
                + " volumes can be segmented: split it into one file per volume (e.g. fslsplit) and segment those");
        assertEquals(List.of(), listing(out()));
        // a 3D file without orientation or units: segmented, and what the reader assumed is printed
        Path bare = Files.write(dir.resolve("bare.nii"), HostileFiles.nifti(HostileFiles.niftiHeader(
                ByteOrder.LITTLE_ENDIAN, new short[] {3, 24, 24, 3, 1, 1, 1, 1}, 16, 32, 1, 0, false, 0),
                HostileFiles.voxels(vol, 16, ByteOrder.LITTLE_ENDIAN)));
        Run r = ok(segment(bare, model));
        List<String> w = warnings(r);
        assertTrue(w.stream().anyMatch(l -> l.startsWith("warning: " + bare + ": spatial unit not given")), r.out());
        assertTrue(w.size() >= 2, "the orientation assumed too: " + r.out());
        assertEquals(List.of("bare_mask.nii.gz", "bare_prob.nii.gz"), listing(out()));
    }

    @Test
    void sixteenBitPngHoldingHuPlus1024IsWarnedAndInterceptFixesIt() throws IOException {
        double[] hu = huPhantom(32, 32, 1, 0);
        float[] huF = new float[hu.length];
        int[] stored = new int[hu.length];
        for (int i = 0; i < hu.length; i++) {
            huF[i] = (float) hu[i];
            stored[i] = (int) hu[i] + 1024;
        }
        ImageFiles.writeFloatTiff(dir.resolve("hu.tif"), huF, 32, 32, null);
        HostileFiles.png16(dir.resolve("export.png"), stored, 32, 32);
        assertEquals(List.of(), warnings(ok(segment(dir.resolve("hu.tif"), model))), "real HU hold air");
        Run r = ok(segment(dir.resolve("export.png"), model));
        assertEquals(List.of("warning: " + dir.resolve("export.png") + ": values are taken as HU, but none is at or"
                + " below -900 (air is about -1000 HU): the lowest is 24; if the file stores HU + 1024 (a common"
                + " 16-bit export), segment it with --intercept -1024"), warnings(r));
        Files.delete(out().resolve("export_prob.tif"));
        r = ok(segment(dir.resolve("export.png"), model, "--intercept", "-1024"));
        assertEquals(List.of(), warnings(r));
        float[] a = prob("hu");
        float[] b = prob("export");
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6, "pixel " + i);
        }
    }

    // ---- 6-9: models and devices -------------------------------------------------------------------

    private Path modelCopy(String name) throws IOException {
        Path m = Files.createDirectories(dir.resolve(name));
        for (String f : List.of(ModelDescriptor.FILE, "model.safetensors")) {
            Files.copy(model.resolve(f), m.resolve(f));
        }
        return m;
    }

    private Path png() throws IOException {
        Path p = dir.resolve("a.png");
        if (!Files.exists(p)) {
            ImageFiles.writePng8(p, gray(), 32, 32);
        }
        return p;
    }

    @Test
    void modelWithNanWeightsIsRefusedAtLoad() throws IOException {
        Path m = modelCopy("nan");
        Path w = m.resolve("model.safetensors");
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>(SafeTensors.read(w));
        String first = t.keySet().iterator().next();
        t.get(first).data()[3] = Float.NaN;
        SafeTensors.write(w, t, SafeTensors.metadata(w));
        fails(segment(png(), m), 1, "error: " + m + ": 1 weight tensor(s) hold NaN or infinite values (first: "
                + first + "[3] = NaN); the model is broken (did its training diverge?): use another model or retrain");
        assertEquals(List.of(), listing(out()));
    }

    private Path editedDescriptor(String name, String from, String to) throws IOException {
        Path m = modelCopy(name);
        Path json = m.resolve(ModelDescriptor.FILE);
        String text = Files.readString(json);
        assertTrue(text.contains(from), text);
        Files.writeString(json, text.replaceFirst(java.util.regex.Pattern.quote(from), to));
        return m;
    }

    @Test
    void descriptorWithZeroStdUnknownArchitectureOrHugeInputIsRefused() throws IOException {
        Path std = editedDescriptor("std", "\"std\": [\n      0.229,\n      0.224,\n      0.225\n    ]",
                "\"std\": [0, 0, 0]");
        fails(segment(png(), std), 1, "error: " + std.resolve(ModelDescriptor.FILE) + ": normalisation of channel 0 is"
                + " mean 0.485, std 0.0; means must be finite and standard deviations finite and positive");
        Path foo = editedDescriptor("foo", "\"architecture\": \"infnet-tiny\"", "\"architecture\": \"foo-net\"");
        fails(segment(png(), foo), 1, "error: " + foo.resolve(ModelDescriptor.FILE) + ": unknown architecture"
                + " 'foo-net' (known: infnet-compact, infnet-res2net50 and other infnet-* widths)");
        Path big = editedDescriptor("big", "\"inputSize\": 64", "\"inputSize\": 100000");
        String e = fails(segment(png(), big), 1, "error: " + big.resolve(ModelDescriptor.FILE) + ": input size 100000"
                + " is too large (at most 4096");
        assertFalse(e.contains("a.png"), "the model is blamed, not the image: " + e);
        assertEquals(List.of(), listing(out()));
    }

    @Test
    void deviceIsCheckedBeforeAnythingRuns() throws IOException {
        Run r = segment(png(), model, "--device", "gup");
        assertEquals(2, r.status());
        assertEquals("error: --device must be cpu or gpu, got 'gup'", r.err().strip());
        assumeTrue(ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0, "this build sees a GPU");
        fails(segment(png(), model, "--device", "gpu"), 1, "error: --device gpu: no GPU available (this PyTorch engine"
                + " is a CPU-only build, or no CUDA device is visible); use --device cpu");
        r = MainTest.run("train", "--data", dir.resolve("data").toString(), "--output", dir.resolve("run").toString(),
                "--device", "gup");
        assertEquals("error: --device must be cpu or gpu, got 'gup'", r.err().strip());
        assertEquals(List.of(), listing(out()));
    }

    // ---- 10-11: outputs --------------------------------------------------------------------------

    @Test
    void outputsHonourTheUmask() throws IOException {
        ok(segment(png(), model));
        Set<PosixFilePermission> plain = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain-file")));
        for (String f : listing(out())) {
            assertEquals(plain, Files.getPosixFilePermissions(out().resolve(f)), f);
        }
        Path gt = Files.createDirectories(dir.resolve("gt"));
        ImageFiles.writePng8(gt.resolve("a.png"), gray(), 32, 32);
        Path csv = dir.resolve("scores.csv");
        ok(MainTest.run("evaluate", "--pred", out().toString(), "--gt", gt.toString(), "--csv", csv.toString()));
        assertEquals(plain, Files.getPosixFilePermissions(csv));
        assertEquals(plain, Files.getPosixFilePermissions(gt.resolve("a.png")));
    }

    @Test
    void outputNameOfExactly255BytesIsWritten() throws IOException {
        String base = "c".repeat(255 - "_prob.tif".length());
        Path in = dir.resolve(base + ".png");
        ImageFiles.writePng8(in, gray(), 32, 32);
        ok(segment(in, model));
        assertEquals(List.of(base + "_mask.png", base + "_prob.tif"), listing(out()));
        assertEquals(255, (base + "_prob.tif").getBytes(StandardCharsets.UTF_8).length);
    }

    // ---- 13: file names the system encoding cannot represent ---------------------------------------

    /** Runs the command line in a child JVM through sh, with {@code env} changes (null removes a variable). */
    private static Run child(Map<String, String> env, String shellArgs) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cmd = "exec '" + java + "' -Xmx1g -Djava.awt.headless=true -Dai.djl.offline=true"
                + " -Dai.djl.pytorch.num_threads=1 -cp '" + System.getProperty("java.class.path") + "'"
                + " org.infnet.cli.Main " + shellArgs;
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", cmd);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Path o = Files.createTempFile("child", ".out");
        Path e = Files.createTempFile("child", ".err");
        Process p = pb.redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not end");
        Run r = new Run(p.exitValue(), Files.readString(o, StandardCharsets.ISO_8859_1),
                Files.readString(e, StandardCharsets.ISO_8859_1));
        Files.delete(o);
        Files.delete(e);
        return r;
    }

    @Test
    void nonAsciiNameWithLangUnsetIsBlamedOnTheEncodingAndReadWithUtf8() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        ImageFiles.writePng8(in.resolve("a.png"), gray(), 32, 32);
        // the name is made by the shell: this JVM's own file-name encoding may be ASCII too
        Process mv = new ProcessBuilder("sh", "-c", "mv a.png \"$(printf 'caf\\303\\251')\".png")
                .directory(in.toFile()).start();
        assertEquals(0, mv.waitFor());
        Map<String, String> noLocale = new LinkedHashMap<>();
        for (String v : List.of("LANG", "LC_ALL", "LC_CTYPE", "LANGUAGE")) {
            noLocale.put(v, null);
        }
        String args = "segment '" + in + "' --output '" + out() + "' --model '" + model + "'";
        Run r = child(noLocale, args);
        fails(r, 1, "error: " + in + "/caf", ".png: the file name has characters that the system's file-name encoding"
                + " (ANSI_X3.4-1968) cannot represent; run with a UTF-8 locale (e.g. LANG=C.UTF-8) or rename the file");
        assertEquals(List.of(), listing(out()));
        // given by name on the command line: the same line
        r = child(noLocale, "segment \"" + in + "/$(printf 'caf\\303\\251').png\" --output '" + out() + "' --model '"
                + model + "'");
        fails(r, 1, "cannot represent; run with a UTF-8 locale");
        // with a UTF-8 locale it is read, and the outputs carry the name
        Map<String, String> utf8 = new LinkedHashMap<>(noLocale);
        utf8.put("LC_ALL", "C.UTF-8");
        r = child(utf8, args);
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("caf\u00e9_mask.png", "caf\u00e9_prob.tif"), listing(out()).stream()
                .map(n -> new String(n.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).toList());
    }

    // ---- 17: options -------------------------------------------------------------------------------

    @Test
    void helpDoubleDashAndRepeatedOptions() throws IOException {
        for (String[] help : new String[][] {{"segment", "--help"}, {"segment", "-h"}, {"-h"}, {"train", "--help"}}) {
            Run r = MainTest.run(help);
            assertEquals(0, r.status(), Arrays.toString(help) + r.err());
            assertTrue(r.out().startsWith("usage: java -jar Inf_Net.jar COMMAND"), r.out());
        }
        Path dash = dir.resolve("-a.png");
        ImageFiles.writePng8(dash, gray(), 32, 32);
        ok(MainTest.run("segment", "--output", out().toString(), "--model", model.toString(), "--", dash.toString()));
        assertEquals(List.of("-a_mask.png", "-a_prob.tif"), listing(out()));
        Run r = MainTest.run("segment", png().toString(), "--output", dir.resolve("o1").toString(), "--output",
                dir.resolve("o2").toString(), "--model", model.toString());
        assertEquals(2, r.status());
        assertEquals("error: --output was given 2 times ('" + dir.resolve("o1") + "', '" + dir.resolve("o2")
                + "'); give it once", r.err().strip());
        r = MainTest.run("segment", png().toString(), "-o", dir.resolve("o1").toString());
        assertEquals(2, r.status());
        assertEquals("error: unknown option -o (options start with --; put file names that start with - after --)",
                r.err().strip());
        assertFalse(Files.exists(dir.resolve("o1")) || Files.exists(dir.resolve("o2")));
    }

    private Path dataset() throws IOException {
        Path root = dir.resolve("data");
        Files.createDirectories(root.resolve("Imgs"));
        Files.createDirectories(root.resolve("GT"));
        for (int i = 0; i < 3; i++) {
            ImageFiles.writePng8(root.resolve("Imgs/s" + i + ".png"), gray(), 32, 32);
            ImageFiles.writePng8(root.resolve("GT/s" + i + ".png"), new byte[32 * 32], 32, 32);
        }
        return root;
    }

    @Test
    void trainingOutputInsideTheDataAndZeroEpochsAreRefusedNamingTheOption() throws IOException {
        Path data = dataset();
        List<String> before = listing(data);
        for (Path o : List.of(data.resolve("run"), data, data.resolve("Imgs"))) {
            Run r = MainTest.run("train", "--data", data.toString(), "--output", o.toString(), "--epochs", "1");
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().startsWith("error: --output " + o + " is "), r.err());
            assertTrue(r.err().contains("the data folder " + data + ": training writes its model, checkpoints and logs"
                    + " there; choose a folder outside the data"), r.err());
        }
        assertEquals(before, listing(data));
        assertEquals(List.of("s0.png", "s1.png", "s2.png"), listing(data.resolve("Imgs")));
        Run r = MainTest.run("train", "--data", data.toString(), "--output", dir.resolve("run").toString(), "--epochs",
                "0");
        assertEquals("error: epochs (--epochs) must be at least 1, got 0", fails(r, 1));
        r = MainTest.run("train", "--data", data.toString(), "--output", dir.resolve("run").toString(), "--batch", "-2");
        assertEquals("error: batch size (--batch) must be at least 1, got -2", fails(r, 1));
        assertFalse(Files.exists(dir.resolve("run")));
    }

    // ---- 18: evaluation ----------------------------------------------------------------------------

    private static void assertScoresInRange(Run r) {
        List<String> lines = r.out().lines().filter(l -> l.startsWith("meanDic:") || l.startsWith("maxDic:")).toList();
        assertEquals(2, lines.size(), r.out());
        for (String l : lines) {
            for (String kv : l.split(";")) {
                double v = Double.parseDouble(kv.substring(kv.indexOf(':') + 1));
                assertTrue(v >= 0 && v <= 1, kv + " in " + l);
            }
        }
    }

    @Test
    void onePixelGtKeepsEveryMetricInRangeAndPredEqualToGtIsWarned() throws IOException {
        Path pred = Files.createDirectories(dir.resolve("pred"));
        Path gt = Files.createDirectories(dir.resolve("gt"));
        for (int g : new int[] {0, 255}) {
            for (int p : new int[] {0, 255}) {
                ImageFiles.writePng8(gt.resolve("a.png"), new byte[] {(byte) g}, 1, 1);
                ImageFiles.writePng8(pred.resolve("a_prob.png"), new byte[] {(byte) p}, 1, 1);
                Run r = ok(MainTest.run("evaluate", "--pred", pred.toString(), "--gt", gt.toString()));
                assertScoresInRange(r);
            }
        }
        ImageFiles.writePng8(gt.resolve("b.png"), gray(), 32, 32);
        Run r = ok(MainTest.run("evaluate", "--pred", gt.toString(), "--gt", gt.toString()));
        assertEquals(List.of("warning: WARNING * (" + gt + "): the prediction folder is the GT folder: each GT mask is"
                + " scored against itself, so the scores say nothing about a model"), warnings(r));
        assertScoresInRange(r);
        r = MainTest.run("evaluate", "--pred", gt.toString(), "--gt", gt.toString(), "--strict");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error: 1 evaluation problem(s):") && r.err().contains("the prediction folder is"
                + " the GT folder"), r.err());
    }
}
