package org.infnet.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.infnet.model.InferenceEngine;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.UNetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UNetConfig#priorSkip}: the class logits are the network's output plus the prior's logit (minus it for
 * the background), on both engines, and the flag survives model.json (absent = off, as in older models).
 */
class PriorSkipTest {

    private static final int SIDE = 32;

    @TempDir
    Path dir;

    /** One network saved twice: without and with the skip (same weights). */
    private Path[] twins(boolean zeroOutput) throws IOException {
        Engine.getInstance().setRandomSeed(11);
        ModelDescriptor plain = ModelDescriptor.create("twin", TestModels.TINY_UNET).withInputSize(SIDE);
        ModelDescriptor skip = ModelDescriptor.create("twin", TestModels.TINY_UNET.withPriorSkip(true)).withInputSize(SIDE);
        Path a = dir.resolve("plain");
        Path b = dir.resolve("skip");
        try (NetworkModel<MultiClassUNet> m = ModelKind.UNET.create(plain, Device.cpu())) {
            if (zeroOutput) {
                m.parameters().forEach((k, p) -> {
                    if (k.startsWith("outc")) {
                        p.getArray().subi(p.getArray().duplicate());
                    }
                });
            }
            m.save(a, plain);
            m.save(b, skip);
        }
        return new Path[] {a, b};
    }

    private static List<UnitSlice> slices() {
        List<UnitSlice> out = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            float[] px = new float[SIDE * SIDE];
            for (int i = 0; i < px.length; i++) {
                px[i] = ((i * 7 + s * 13) % 97) / 96f;
            }
            out.add(new UnitSlice(px, SIDE, SIDE));
        }
        return out;
    }

    /** Priors covering [0,1] including the clamped ends. */
    private static List<float[]> priors() {
        List<float[]> out = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            float[] p = new float[SIDE * SIDE];
            for (int i = 0; i < p.length; i++) {
                p[i] = ((i + 31 * s) % (SIDE * SIDE)) / (float) (SIDE * SIDE - 1);
            }
            out.add(p);
        }
        return out;
    }

    private static float clamp(float p) {
        return Math.min(1 - UNetConfig.PRIOR_CLAMP, Math.max(UNetConfig.PRIOR_CLAMP, p));
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    @Test
    void aZeroNetworkReproducesThePriorOnBothEngines() throws IOException {
        Path[] t = twins(true);
        List<float[]> pr = priors();
        for (InferenceEngine engine : new InferenceEngine[] {InferenceEngine.PYTORCH, InferenceEngine.ONNX}) {
            try (NetworkModel<MultiClassUNet> plain = ModelKind.UNET.load(t[0], Device.cpu());
                    NetworkModel<MultiClassUNet> skip = ModelKind.UNET.load(t[1], Device.cpu())) {
                List<float[][]> a = new MultiClassPredictor(plain, engine).predict(slices(), pr);
                List<float[][]> b = new MultiClassPredictor(skip, engine).predict(slices(), pr);
                for (int s = 0; s < 2; s++) {
                    for (int i = 0; i < SIDE * SIDE; i++) {
                        float p = clamp(pr.get(s)[i]);
                        for (int c = 0; c < 3; c++) {
                            assertEquals(0.5f, a.get(s)[c][i], 1e-6f, engine + " plain");
                        }
                        assertEquals(1 - p, b.get(s)[0][i], 2e-5f, engine + " background, pixel " + i);
                        assertEquals(p, b.get(s)[1][i], 2e-5f, engine + " GGO, pixel " + i);
                        assertEquals(p, b.get(s)[2][i], 2e-5f, engine + " consolidation, pixel " + i);
                    }
                }
            }
        }
    }

    @Test
    void skipAddsThePriorLogitToARandomNetworksOutput() throws IOException {
        Path[] t = twins(false);
        List<float[]> pr = priors();
        try (NetworkModel<MultiClassUNet> plain = ModelKind.UNET.load(t[0], Device.cpu());
                NetworkModel<MultiClassUNet> skip = ModelKind.UNET.load(t[1], Device.cpu())) {
            List<float[][]> a = new MultiClassPredictor(plain, InferenceEngine.PYTORCH).predict(slices(), pr);
            List<float[][]> b = new MultiClassPredictor(skip, InferenceEngine.PYTORCH).predict(slices(), pr);
            List<float[][]> o = new MultiClassPredictor(skip, InferenceEngine.ONNX).predict(slices(), pr);
            double worst = 0;
            double onnx = 0;
            for (int s = 0; s < 2; s++) {
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < SIDE * SIDE; i++) {
                        double lp = logit(clamp(pr.get(s)[i]));
                        double want = 1 / (1 + Math.exp(-(logit(a.get(s)[c][i]) + (c == 0 ? -lp : lp))));
                        worst = Math.max(worst, Math.abs(want - b.get(s)[c][i]));
                        onnx = Math.max(onnx, Math.abs(o.get(s)[c][i] - b.get(s)[c][i]));
                    }
                }
            }
            assertTrue(worst < 1e-4, "sigmoid(plain logit +- logit(prior)) vs skip: " + worst);
            assertTrue(onnx < 1e-4, "ONNX vs PyTorch: " + onnx);
        }
    }

    @Test
    void theFlagIsWrittenToModelJsonAndAbsentMeansOff() throws IOException {
        Path[] t = twins(false);
        String json = Files.readString(t[1].resolve(ModelDescriptor.FILE));
        assertTrue(json.contains("\"priorSkip\": true"), json);
        try (NetworkModel<MultiClassUNet> skip = ModelKind.UNET.load(t[1], Device.cpu())) {
            assertTrue(skip.descriptor().unet().priorSkip());
        }
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        for (String f : new String[] {"model.safetensors"}) {
            Files.copy(t[0].resolve(f), old.resolve(f));
        }
        Files.writeString(old.resolve(ModelDescriptor.FILE),
                Files.readString(t[0].resolve(ModelDescriptor.FILE)).replaceAll(",\\s*\"priorSkip\": false", ""));
        assertFalse(Files.readString(old.resolve(ModelDescriptor.FILE)).contains("priorSkip"));
        try (NetworkModel<MultiClassUNet> m = ModelKind.UNET.load(old, Device.cpu())) {
            assertFalse(m.descriptor().unet().priorSkip());
        }
    }
}
