package org.infnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infnet.infer.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int s = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(s, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void segmentsTestImagesIntoProbabilityMaskAndEdgeFiles() throws Exception {
        Path model = TestModels.randomCompact(dir.resolve("model"));
        Path in = Path.of("test-images", "Imgs", "phantom_02.png");
        byte[] before = Files.readAllBytes(in);
        Path out = dir.resolve("out");
        Run r = run("segment", in.toString(), "--output", out.toString(), "--model", model.toString(), "--edges");
        assertEquals(0, r.status(), r.err());
        ImagePlus src = IJ.openImage(in.toString());
        ImagePlus prob = IJ.openImage(out.resolve("phantom_02_prob.tif").toString());
        ImagePlus mask = IJ.openImage(out.resolve("phantom_02_mask.png").toString());
        ImagePlus edge = IJ.openImage(out.resolve("phantom_02_edge.tif").toString());
        assertEquals(32, prob.getBitDepth());
        assertEquals(8, mask.getBitDepth());
        assertEquals(32, edge.getBitDepth());
        for (ImagePlus i : new ImagePlus[] {prob, mask, edge}) {
            assertEquals(src.getWidth(), i.getWidth());
            assertEquals(src.getHeight(), i.getHeight());
        }
        float[] p = (float[]) prob.getProcessor().getPixels();
        byte[] m = (byte[]) mask.getProcessor().getPixels();
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i] >= 0.5f ? 255 : 0, m[i] & 0xff);
        }
        assertArrayEquals(before, Files.readAllBytes(in), "input must not change");
        try (var files = Files.list(out)) {
            assertEquals(3, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void segmentsANiftiVolumeIntoNiftiVolumesOnTheSameGrid() throws Exception {
        Path model = TestModels.randomCompact(dir.resolve("model"));
        org.infnet.phantom.PhantomVolume pv = new org.infnet.phantom.PhantomGenerator(3)
                .volume(org.infnet.phantom.PhantomGenerator.Params.defaults().withSize(128), 3, 5.0);
        Path nii = org.infnet.phantom.PhantomNifti.write(pv, dir.resolve("ct.nii.gz"));
        Path out = dir.resolve("out");
        Run r = run("segment", nii.toString(), "--output", out.toString(), "--model", model.toString());
        assertEquals(0, r.status(), r.err());
        var prob = org.infnet.io.nifti.NiftiReader.read(out.resolve("ct_prob.nii.gz"));
        var mask = org.infnet.io.nifti.NiftiReader.read(out.resolve("ct_mask.nii.gz"));
        for (var v : java.util.List.of(prob, mask)) {
            assertEquals(128, v.width());
            assertEquals(128, v.height());
            assertEquals(3, v.depth());
        }
        for (int i = 0; i < prob.data().length; i++) {
            float p = prob.data()[i];
            assertEquals(true, p >= 0 && p <= 1, "probability in [0,1]");
            assertEquals(p >= 0.5f ? 1f : 0f, Math.min(1f, mask.data()[i]), "mask = probability >= 0.5");
        }
    }

    @Test
    void failuresPrintOneErrorLineAndExitNonZero() {
        Run missing = run("segment", dir.resolve("nope.png").toString(), "--output", dir.toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().startsWith("error: ") && missing.err().contains("nope.png"), missing.err());
        Run badOption = run("segment", "x.png", "--outptu", dir.toString());
        assertEquals(2, badOption.status());
        assertTrue(badOption.err().contains("unknown option --outptu"), badOption.err());
        Run badModel = run("segment", "test-images/Imgs", "--output", dir.toString(), "--model", dir.resolve("none").toString());
        assertEquals(1, badModel.status());
        assertTrue(badModel.err().contains("not found"), badModel.err());
    }
}
