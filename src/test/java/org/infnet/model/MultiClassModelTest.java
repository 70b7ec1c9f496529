package org.infnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.infnet.io.SafeTensors;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.UNetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** U-Net model folders: descriptor extension, exact round trip, clear errors across architectures. */
class MultiClassModelTest {

    @TempDir
    Path dir;

    private static float[] ramp(int n, double phase) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.5 + 0.5 * Math.sin(i * 0.37 + phase));
        }
        return x;
    }

    private static float[] logits(NetworkModel<MultiClassUNet> model, int side) {
        try (NDManager m = model.manager().newSubManager()) {
            Engines.disableGradientRecording();
            NDArray x = UNetInput.encode(model.descriptor(), m, List.of(ramp(side * side, 0)), List.of(ramp(side * side, 1)), side);
            assertEquals(new Shape(1, 6, side, side), x.getShape());
            NDArray y = UNetInput.logits(model, m, x);
            assertEquals(new Shape(1, 3, side, side), y.getShape());
            return y.toFloatArray();
        }
    }

    @Test
    void saveAndLoadRoundTripIsExact() throws IOException {
        Path folder = dir.resolve("unet");
        ModelDescriptor d = ModelDescriptor.create("unet-round-trip", UNetConfig.COMPACT)
                .with(Map.of("note", "test"), Map.of("meanDic", 0.25));
        Engine.getInstance().setRandomSeed(23);
        try (NetworkModel<MultiClassUNet> a = ModelKind.UNET.create(d, Device.cpu())) {
            a.parameters().forEach((k, p) -> {
                if (k.endsWith("running_var")) {
                    p.getArray().addi(0.25f);
                }
            });
            a.save(folder, d);
            float[] before = logits(a, 32);
            Map<String, SafeTensors.Tensor> wa = a.weights();
            assertTrue(ModelKind.UNET.isFolderOf(folder));
            try (NetworkModel<MultiClassUNet> b = ModelKind.UNET.load(folder, Device.cpu())) {
                ModelDescriptor e = b.descriptor();
                assertEquals(UNetConfig.COMPACT, e.unet());
                assertNull(e.network());
                assertEquals("multiclass-unet-compact", e.architecture());
                assertEquals(d.provenance(), e.provenance());
                assertEquals(d.validation(), e.validation());
                Map<String, SafeTensors.Tensor> wb = b.weights();
                assertEquals(wa.keySet(), wb.keySet());
                wa.forEach((k, t) -> assertArrayEquals(t.data(), wb.get(k).data(), k));
                assertArrayEquals(before, logits(b, 32));
            }
        }
        String json = Files.readString(folder.resolve(ModelDescriptor.FILE));
        assertTrue(json.contains("\"unet\"") && !json.contains("\"network\""), json);
    }

    @Test
    void infNetDescriptorsAreUnchangedAndTheArchitecturesAreKeptApart() throws IOException {
        ModelDescriptor inf = ModelDescriptor.create("inf", InfNetConfig.COMPACT);
        String json = inf.toJson();
        assertFalse(json.contains("\"unet\""), json);
        ModelDescriptor back = ModelDescriptor.parse(json, "inf.json");
        assertFalse(back.isUNet());
        assertEquals("infnet-compact", back.architecture());
        // a U-Net descriptor cannot build an Inf-Net and vice versa
        assertThrows(IllegalArgumentException.class,
                () -> ModelKind.INFNET.create(ModelDescriptor.create("u", UNetConfig.COMPACT), Device.cpu()).close());
        assertThrows(IllegalArgumentException.class, () -> ModelKind.UNET.create(inf, Device.cpu()).close());
        // an Inf-Net folder is refused by the U-Net loader
        Path folder = dir.resolve("inf");
        try (NetworkModel<InfNet> m = ModelKind.INFNET.create(inf, Device.cpu())) {
            m.save(folder, inf);
        }
        assertFalse(ModelKind.UNET.isFolderOf(folder));
        IOException e = assertThrows(IOException.class, () -> ModelKind.UNET.load(folder, Device.cpu()).close());
        assertTrue(e.getMessage().contains("not a multi-class U-Net"), e.getMessage());
    }

    @Test
    void malformedUnetDescriptorsAreRejected() {
        String good = ModelDescriptor.create("u", UNetConfig.PAPER).toJson();
        ModelDescriptor u = ModelDescriptor.create("u", UNetConfig.PAPER);
        String twoNetworks = new ModelDescriptor(u.format(), u.name(), InfNetConfig.COMPACT, u.inputSize(),
                u.normalisation(), u.input(), u.outputs(), u.weights(), u.provenance(), u.validation(), u.unet())
                .toJson();
        IOException both = assertThrows(IOException.class, () -> ModelDescriptor.parse(twoNetworks, "both.json"));
        assertTrue(both.getMessage().contains("both"), both.getMessage());
        IOException size = assertThrows(IOException.class,
                () -> ModelDescriptor.parse(good.replace("\"inputSize\": 352", "\"inputSize\": 360"), "size.json"));
        assertTrue(size.getMessage().contains("multiple of 16"), size.getMessage());
        IOException base = assertThrows(IOException.class,
                () -> ModelDescriptor.parse(good.replace("\"base\": 64", "\"base\": 0"), "base.json"));
        assertTrue(base.getMessage().startsWith("base.json"), base.getMessage());
        assertTrue(ModelDescriptor.create("u", UNetConfig.PAPER).input().startsWith("6 channels"));
    }
}
