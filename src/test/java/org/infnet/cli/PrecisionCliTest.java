package org.infnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infnet.infer.TestModels;
import org.infnet.onnx.OnnxNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segment --precision fp32|int8}. */
class PrecisionCliTest {

    @TempDir
    Path dir;

    private float[] probabilities(Path out) throws Exception {
        try (var files = Files.list(out)) {
            Path prob = files.filter(p -> p.getFileName().toString().endsWith("_prob.tif")).findFirst().orElseThrow();
            return (float[]) IJ.openImage(prob.toString()).getProcessor().getPixels();
        }
    }

    @Test
    void int8RunsTheQuantisedModelCachedInTheModelFolder() throws Exception {
        Path model = TestModels.randomTiny(dir.resolve("model"));
        Path in = Path.of("test-images", "Imgs", "phantom_02.png");
        float[][] probs = new float[2][];
        String[] precisions = {"fp32", "int8"};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("out-" + precisions[i]);
            MainTest.Run r = MainTest.run("segment", in.toString(), "--output", out.toString(), "--model",
                    model.toString(), "--precision", precisions[i], "--streams", "1");
            assertEquals(0, r.status(), r.err());
            probs[i] = probabilities(out);
        }
        assertTrue(Files.isRegularFile(model.resolve(OnnxNetwork.INT8_FILE)), "int8 model cached");
        double sum = 0;
        for (int k = 0; k < probs[0].length; k++) {
            assertTrue(probs[1][k] >= 0 && probs[1][k] <= 1, "probability " + probs[1][k]);
            sum += Math.abs(probs[1][k] - probs[0][k]);
        }
        double mean = sum / probs[0].length;
        assertTrue(mean < 0.05, "mean |int8 - fp32| " + mean);
        assertTrue(mean > 0, "int8 gave exactly the float maps: the quantised model did not run");
        // the choice does not carry over to the next run in the same process
        MainTest.Run r = MainTest.run("segment", in.toString(), "--output", dir.resolve("again").toString(),
                "--model", model.toString(), "--streams", "1");
        assertEquals(0, r.status(), r.err());
        assertEquals(OnnxNetwork.Precision.FP32, OnnxNetwork.precision());
    }

    @Test
    void badPrecisionsAreUsageErrors() throws Exception {
        Path in = Path.of("test-images", "Imgs", "phantom_02.png");
        MainTest.Run r = MainTest.run("segment", in.toString(), "--output", dir.resolve("x").toString(),
                "--precision", "bf16");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("bf16"), r.err());
        r = MainTest.run("segment", in.toString(), "--output", dir.resolve("y").toString(), "--precision", "int8",
                "--engine", "pytorch");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--engine onnx"), r.err());
        OnnxNetwork.setPrecision(OnnxNetwork.Precision.FP32);
    }
}
