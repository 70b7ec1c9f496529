package org.infnet.cli;

import static org.infnet.io.TestFiles.listing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.infnet.cli.MainTest.Run;
import org.infnet.infer.TestModels;
import org.infnet.io.ImageFiles;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.UNetConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of the command line sees for bad inputs and faults (see doc/bad-inputs.md): exactly one
 * line {@code error: ...} on stderr naming the file and the problem, a non-zero status, and no output
 * file left behind.
 */
class BadInputCliTest {

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

    /** Asserts status 1, one {@code error:} line, equal to {@code expected} or containing all {@code parts}. */
    private static String fails(Run r, String... parts) {
        assertEquals(1, r.status(), r.err());
        String err = r.err();
        assertTrue(err.startsWith("error: "), err);
        assertEquals(1, err.strip().lines().count(), "one line: " + err);
        for (String p : parts) {
            assertTrue(err.contains(p), "'" + p + "' missing from: " + err);
        }
        return err.strip();
    }

    private Run segment(Path input, Path modelDir, String... more) {
        String[] base = {"segment", input.toString(), "--output", dir.resolve("out").toString(), "--model",
            modelDir.toString()};
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return MainTest.run(all);
    }

    private Path goodPng(String name) throws IOException {
        Path p = dir.resolve(name);
        byte[] px = new byte[32 * 32];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 5);
        }
        ImageFiles.writePng8(p, px, 32, 32);
        return p;
    }

    /** A copy of the test model folder that a test may damage. */
    private Path modelCopy() throws IOException {
        Path m = Files.createDirectories(dir.resolve("model-copy"));
        for (String f : List.of(ModelDescriptor.FILE, "model.safetensors")) {
            Files.copy(model.resolve(f), m.resolve(f));
        }
        return m;
    }

    // ---- image files -------------------------------------------------------------------------------

    @Test
    void zeroByteImageFile() throws IOException {
        Path in = Files.createFile(dir.resolve("empty.png"));
        assertEquals("error: Image file " + in + " is empty (0 bytes)", fails(segment(in, model)));
        assertEquals(List.of(), listing(dir.resolve("out")));
    }

    @Test
    void truncatedPngFile() throws IOException {
        byte[] all = Files.readAllBytes(goodPng("good.png"));
        Path in = Files.write(dir.resolve("cut.png"), Arrays.copyOf(all, all.length / 2));
        fails(segment(in, model), in.toString(), "could not be opened by ImageJ (unsupported format, corrupt or truncated)");
        assertEquals(List.of(), listing(dir.resolve("out")));
    }

    @Test
    void textFileWithAnImageExtension() throws IOException {
        Path in = Files.writeString(dir.resolve("notes.tif"), "not an image at all");
        fails(segment(in, model), in.toString(), "could not be opened by ImageJ");
    }

    @Test
    void truncatedNiftiFile() throws IOException {
        org.infnet.phantom.PhantomVolume pv = new org.infnet.phantom.PhantomGenerator(3)
                .volume(org.infnet.phantom.PhantomGenerator.Params.defaults().withSize(64), 2, 5.0);
        Path nii = org.infnet.phantom.PhantomNifti.write(pv, dir.resolve("full.nii.gz"));
        byte[] all = Files.readAllBytes(nii);
        Path in = Files.write(dir.resolve("cut.nii.gz"), Arrays.copyOf(all, all.length / 2));
        fails(segment(in, model), "NIfTI file " + in + " is");
        assertEquals(List.of(), listing(dir.resolve("out")));
    }

    @Test
    void missingInputFile() {
        Path in = dir.resolve("nope.png");
        assertEquals("error: " + in + ": no such file or folder", fails(segment(in, model)));
    }

    @Test
    void emptyInputFolderAndFolderWithoutImages() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals("error: no image files in [" + empty + "]", fails(segment(empty, model)));
        Files.writeString(empty.resolve("readme.txt"), "x");
        assertEquals("error: no image files in [" + empty + "]", fails(segment(empty, model)));
    }

    @Test
    void twoInputsWithTheSameBaseName() throws IOException {
        Path a = goodPng("case.png");
        Path b = dir.resolve("other");
        Files.createDirectories(b);
        ImageFiles.writePng8(b.resolve("case.png"), new byte[4], 2, 2);
        Run r = MainTest.run("segment", a.toString(), b.toString(), "--output", dir.resolve("out").toString(),
                "--model", model.toString());
        fails(r, "two inputs share the name 'case'", "(their outputs would overwrite each other)");
        assertEquals(List.of(), listing(dir.resolve("out")));
    }

    // ---- output folder -----------------------------------------------------------------------------

    @Test
    void outputFolderEqualToTheInputFolderIsRefused() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("cases"));
        ImageFiles.writePng8(folder.resolve("a.png"), new byte[16], 4, 4);
        Run r = MainTest.run("segment", folder.toString(), "--output", folder.toString(), "--model", model.toString());
        assertEquals("error: output folder " + folder + " is the input folder " + folder
                + ": choose another output folder (outputs would mix with the inputs)", fails(r));
        assertEquals(List.of("a.png"), listing(folder));
    }

    @Test
    void unwritableOutputFolder() throws IOException {
        Path in = goodPng("a.png");
        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        Run r = MainTest.run("segment", in.toString(), "--output", file.resolve("out").toString(), "--model",
                model.toString());
        assertEquals("error: cannot create output folder " + file.resolve("out") + ": Not a directory", fails(r));
        r = MainTest.run("segment", in.toString(), "--output", file.toString(), "--model", model.toString());
        assertEquals("error: output folder " + file + " is a file, not a folder", fails(r));
    }

    // ---- options -----------------------------------------------------------------------------------

    @Test
    void outOfRangeOptions() throws IOException {
        Path in = goodPng("a.png");
        assertEquals("error: threshold must be in [0,1], got 2.0", fails(segment(in, model, "--threshold", "2")));
        assertEquals("error: batch size must be at least 1", fails(segment(in, model, "--batch", "0")));
        fails(segment(in, model, "--window-width", "0"), "Invalid HU window level=-600.0 width=0.0");
        Run r = segment(in, model, "--threshold", "half");
        assertEquals(2, r.status());
        assertEquals("error: --threshold needs a number, got 'half'", r.err().strip());
        assertEquals(List.of(), listing(dir.resolve("out")));
    }

    // ---- model files -------------------------------------------------------------------------------

    @Test
    void truncatedAndZeroByteWeights() throws IOException {
        Path m = modelCopy();
        Path w = m.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(w);
        Files.write(w, Arrays.copyOf(all, all.length - 4096));
        fails(segment(goodPng("a.png"), m), w.toString(), ": truncated (tensor ");
        Files.write(w, new byte[0]);
        assertEquals("error: " + w + ": not a safetensors file (shorter than its 8-byte header length)",
                fails(segment(goodPng("a.png"), m)));
        assertEquals(List.of(), listing(dir.resolve("out")));
    }

    @Test
    void malformedWeightsHeaderEntry() throws IOException {
        Path m = modelCopy();
        Path w = m.resolve("model.safetensors");
        byte[] h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putLong(0);
        Files.write(w, b.array());
        assertEquals("error: " + w + ": corrupt header entry for tensor w (dtype, shape or data_offsets missing or"
                + " malformed)", fails(segment(goodPng("a.png"), m)));
    }

    @Test
    void corruptOrEmptyDescriptor() throws IOException {
        Path m = modelCopy();
        Path json = m.resolve(ModelDescriptor.FILE);
        String text = Files.readString(json);
        Files.writeString(json, text.substring(0, text.length() / 2));
        fails(segment(goodPng("a.png"), m), json.toString(), "not a valid model descriptor");
        Files.writeString(json, "");
        assertEquals("error: " + json + ": empty model descriptor", fails(segment(goodPng("a.png"), m)));
        Files.delete(json);
        assertEquals("error: " + m + ": not a model folder (no model.json)", fails(segment(goodPng("a.png"), m)));
    }

    @Test
    void descriptorOfAnotherArchitecture() throws IOException {
        Path unet = dir.resolve("unet");
        ModelDescriptor d = ModelDescriptor.create("unet", UNetConfig.COMPACT);
        try (NetworkModel<MultiClassUNet> u = ModelKind.UNET.create(d, Device.cpu())) {
            u.save(unet, d);
        }
        assertEquals("error: " + unet + ": holds a multi-class U-Net (multiclass-unet-compact), not an Inf-Net",
                fails(segment(goodPng("a.png"), unet)));
        // an Inf-Net descriptor whose network differs from the weights (here: wider RFB channels)
        Path m = modelCopy();
        Path json = m.resolve(ModelDescriptor.FILE);
        String text = Files.readString(json);
        assertTrue(text.contains("\"rfbChannels\": 8"), text);
        Files.writeString(json, text.replace("\"rfbChannels\": 8", "\"rfbChannels\": 16"));
        fails(segment(goodPng("a.png"), m), m.toString(), "weights do not fit network infnet-tiny", "has shape");
    }

    // ---- evaluation --------------------------------------------------------------------------------

    private Path folder(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    @Test
    void evaluateEmptyFolders() throws IOException {
        Path pred = folder("pred");
        Path gt = folder("gt");
        Run r = MainTest.run("evaluate", "--pred", pred.toString(), "--gt", gt.toString());
        assertEquals("error: nothing to evaluate: no images in " + pred + " nor in " + gt, fails(r));
        ImageFiles.writePng8(gt.resolve("a.png"), new byte[4], 2, 2);
        r = MainTest.run("evaluate", "--pred", pred.toString(), "--gt", gt.toString());
        assertEquals("error: nothing to evaluate: no predictions in " + pred, fails(r));
    }

    @Test
    void evaluateWithNoNamesInCommon() throws IOException {
        Path pred = folder("pred");
        Path gt = folder("gt");
        ImageFiles.writePng8(pred.resolve("case1_prob.png"), new byte[4], 2, 2);
        ImageFiles.writePng8(gt.resolve("Case1.png"), new byte[4], 2, 2);
        Run r = MainTest.run("evaluate", "--pred", pred.toString(), "--gt", gt.toString(), "--csv",
                dir.resolve("s.csv").toString());
        assertEquals("error: nothing to evaluate: no prediction in " + pred + " has the name of a GT mask in " + gt
                + " (1 prediction(s), 1 GT mask(s); names must match, e.g. case1_prob.tif and case1.png)", fails(r));
        assertEquals(List.of("gt", "pred"), listing(dir), "no CSV written");
    }

    @Test
    void evaluateWithUnreadableFilesOnly() throws IOException {
        Path pred = folder("pred");
        Path gt = folder("gt");
        Files.createFile(pred.resolve("a.png"));
        ImageFiles.writePng8(gt.resolve("a.png"), new byte[4], 2, 2);
        Run r = MainTest.run("evaluate", "--pred", pred.toString(), "--gt", gt.toString());
        assertEquals("error: nothing to evaluate: 1 matched pair(s) could not be evaluated; first: "
                + pred.resolve("a.png") + ": Image file " + pred.resolve("a.png") + " is empty (0 bytes)", fails(r));
    }

    @Test
    void evaluateResizesAPredictionOfAnotherSizeAndSaysSo() throws IOException {
        Path pred = folder("pred");
        Path gt = folder("gt");
        byte[] g = new byte[8 * 8];
        byte[] p = new byte[4 * 4];
        for (int i = 0; i < g.length; i++) {
            g[i] = (byte) (i % 8 < 4 ? 255 : 0);
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i % 4 < 2 ? 255 : 0);
        }
        ImageFiles.writePng8(gt.resolve("a.png"), g, 8, 8);
        ImageFiles.writePng8(pred.resolve("a_prob.png"), p, 4, 4);
        Path csv = dir.resolve("s.csv");
        Run r = MainTest.run("evaluate", "--pred", pred.toString(), "--gt", gt.toString(), "--csv", csv.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = Files.readAllLines(csv);
        assertTrue(rows.get(1).startsWith("a,8,8,true,1.000000,"), rows.get(1));
    }

    @Test
    void evaluateCsvIntoAFileInsteadOfAFolder() throws IOException {
        Path pred = folder("pred");
        Path gt = folder("gt");
        ImageFiles.writePng8(gt.resolve("a.png"), new byte[] {0, (byte) 255, 0, 0}, 2, 2);
        ImageFiles.writePng8(pred.resolve("a.png"), new byte[] {0, (byte) 255, 0, 0}, 2, 2);
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path csv = file.resolve("s.csv");
        Run r = MainTest.run("evaluate", "--pred", pred.toString(), "--gt", gt.toString(), "--csv", csv.toString());
        assertEquals("error: cannot write " + csv + ": a file is where a folder is needed (" + file + ")", fails(r));
    }

    // ---- training data -----------------------------------------------------------------------------

    private Path dataset(String name, int... gtSizes) throws IOException {
        Path root = dir.resolve(name);
        Files.createDirectories(root.resolve("Imgs"));
        Files.createDirectories(root.resolve("GT"));
        for (int i = 0; i < gtSizes.length; i++) {
            ImageFiles.writePng8(root.resolve("Imgs").resolve("s" + i + ".png"), new byte[16 * 16], 16, 16);
            int s = gtSizes[i];
            ImageFiles.writePng8(root.resolve("GT").resolve("s" + i + ".png"), new byte[s * s], s, s);
        }
        return root;
    }

    private Run train(Path data) {
        return MainTest.run("train", "--data", data.toString(), "--output", dir.resolve("run").toString(),
                "--val-count", "1", "--epochs", "1", "--batch", "2", "--arch", "infnet-compact");
    }

    @Test
    void trainingOnAnEmptyDataFolder() throws IOException {
        Path root = dataset("empty");
        assertEquals("error: Data set root " + root + " holds no samples (Imgs/ has no jpg/jpeg/png/tif/tiff images)",
                fails(train(root)));
        assertEquals(List.of(), listing(dir.resolve("run")));
    }

    @Test
    void trainingWithImageAndGtOfDifferentSizes() throws IOException {
        Path root = dataset("mismatch", 16, 16, 12);
        assertEquals("error: Size mismatch for sample 's2': " + root.resolve("Imgs/s2.png") + " is 16x16 but "
                + root.resolve("GT/s2.png") + " is 12x12", fails(train(root)));
    }

    @Test
    void trainingWithImageAndGtNamesThatDoNotMatch() throws IOException {
        Path root = dataset("names", 16, 16);
        Files.move(root.resolve("GT/s1.png"), root.resolve("GT/S1.png"));
        fails(train(root), "Inconsistent data set " + root, "1 image(s) in " + root.resolve("Imgs")
                + " without a GT/*.png: s1.png", "1 GT file(s) in " + root.resolve("GT") + " without a matching image: S1.png");
    }

    @Test
    void trainingOnAFolderWithoutTheLayout() throws IOException {
        Path root = folder("flat");
        assertEquals("error: Data set root " + root + " must contain folders Imgs/ and GT/ (Imgs/ missing) (GT/ missing)",
                fails(train(root)));
    }

    @Test
    void inputsAreNeverModified() throws IOException {
        Path in = goodPng("keep.png");
        byte[] before = Files.readAllBytes(in);
        Run r = MainTest.run("segment", in.toString(), "--output", dir.toString(), "--model", model.toString());
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(before, Files.readAllBytes(in));
        assertEquals(List.of("keep.png", "keep_mask.png", "keep_prob.tif"), listing(dir));
    }
}
