package org.infnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infnet.infer.TestModels;
import org.infnet.onnx.OnnxNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export-onnx} and {@code segment --engine}. */
class OnnxCliTest {

    @TempDir
    Path dir;

    @Test
    void exportOnnxWritesAModelWithADynamicBatch() throws Exception {
        Path model = TestModels.randomTiny(dir.resolve("model"));
        Path file = dir.resolve("tiny.onnx");
        MainTest.Run r = MainTest.run("export-onnx", model.toString(), "--output", file.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("N x 3 x 64 x 64"), r.out());
        try (OnnxNetwork n = OnnxNetwork.of(file)) {
            for (int batch : new int[] {1, 3}) {
                FloatBuffer x = OnnxNetwork.directFloats(batch * 3 * 64 * 64);
                while (x.hasRemaining()) {
                    x.put((float) Math.sin(x.position() * 0.01));
                }
                float[][] out = n.run(x.flip(), new long[] {batch, 3, 64, 64}, "map2", "edge");
                assertEquals(batch * 64 * 64, out[0].length);
                assertEquals(batch * 64 * 64, out[1].length);
            }
            assertEquals("infnet-tiny", n.metadata().get("infnet.architecture"));
        }
        Path unet = TestModels.randomTinyUNet(dir.resolve("unet"));
        Path unetFile = dir.resolve("unet.onnx");
        r = MainTest.run("export-onnx", unet.toString(), "--output", unetFile.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("N x 6 x 32 x 32"), r.out());
        assertEquals(2, MainTest.run("export-onnx", "--output", unetFile.toString()).status());
    }

    @Test
    void segmentOnEitherEngineGivesTheSameProbabilities() throws Exception {
        Path model = TestModels.randomTiny(dir.resolve("model"));
        Path in = Path.of("test-images", "Imgs", "phantom_02.png");
        float[][] probs = new float[2][];
        String[] engines = {"onnx", "pytorch"};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("out-" + engines[i]);
            MainTest.Run r = MainTest.run("segment", in.toString(), "--output", out.toString(), "--model",
                    model.toString(), "--engine", engines[i], "--streams", "1", "--threshold", "0.5");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("on " + engines[i]), r.out());
            try (var files = Files.list(out)) {
                Path prob = files.filter(p -> p.getFileName().toString().endsWith("_prob.tif")).findFirst()
                        .orElseThrow();
                ImagePlus imp = IJ.openImage(prob.toString());
                probs[i] = (float[]) imp.getProcessor().getPixels();
            }
        }
        assertEquals(probs[1].length, probs[0].length);
        for (int k = 0; k < probs[0].length; k++) {
            assertEquals(probs[1][k], probs[0][k], 1e-4, "pixel " + k);
        }
        MainTest.Run bad = MainTest.run("segment", in.toString(), "--output", dir.resolve("x").toString(), "--model",
                model.toString(), "--engine", "tpu");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("tpu"), bad.err());
    }
}
