package org.infnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infnet.nn.InfNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import-pytorch --arch MODEL.json}: a PyTorch Inf-Net of a shape that is no preset (the fixture of
 * {@code bench/python/make_tiny_infnet_fixture.py}: two-block layers, narrow heads) enters a model folder and
 * reproduces PyTorch's five maps, on the training-time path and on the frozen inference path. This is how the
 * GPU-trained bundled models (compact, medium) enter.
 */
class ConfigurableImportTest {

    private static Path resource(Path dir, String name) throws IOException {
        try (InputStream in = ConfigurableImportTest.class.getResourceAsStream("/tiny-infnet/" + name)) {
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    private static float[] f32(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }

    @Test
    void nonPresetInfNetImportsAndReproducesPytorch(@TempDir Path dir) throws Exception {
        Path pth = resource(dir, "tiny.pth");
        Path json = resource(dir, "model.json");
        float[] input = f32(resource(dir, "input.f32"));
        float[] ref = f32(resource(dir, "maps.f32"));
        PytorchImport.Report r = PytorchImport.run(pth, json.toString(), dir.resolve("out"), "tiny", Device.cpu());
        assertEquals("infnet-tiny-test", r.descriptor().architecture());
        assertEquals(64, r.descriptor().inputSize());
        assertTrue(r.dropped().stream().allMatch(s -> s.endsWith(".num_batches_tracked")), r.dropped().toString());
        for (boolean frozen : new boolean[] {false, true}) {
            try (NetworkModel<InfNet> m = ModelKind.INFNET.load(dir.resolve("out"), Device.cpu())) {
                if (frozen) {
                    m.freeze();
                }
                try (NDManager nd = m.manager().newSubManager()) {
                    NDList out = m.net().forward(new ParameterStore(nd, false),
                            new NDList(new InputEncoder(m.descriptor().normalisation()).encode(nd, List.of(input), 64)),
                            false);
                    int plane = 64 * 64;
                    for (int k = 0; k < 5; k++) {
                        float[] got = out.get(k).toFloatArray();
                        double worst = 0;
                        for (int i = 0; i < plane; i++) {
                            worst = Math.max(worst, Math.abs(got[i] - ref[k * plane + i]));
                        }
                        assertTrue(worst < 1e-4, "map " + k + (frozen ? " (frozen)" : "") + ": max abs diff " + worst);
                    }
                }
            }
        }
    }

    @Test
    void checkpointOfAnotherShapeIsRefusedNamingTheKeys(@TempDir Path dir) throws Exception {
        Path pth = resource(dir, "tiny.pth");
        IOException e = assertThrows(IOException.class,
                () -> PytorchImport.run(pth, "infnet-compact", dir.resolve("out"), null, Device.cpu()));
        assertTrue(e.getMessage().contains("does not match the infnet-compact state dict"), e.getMessage());
        assertTrue(e.getMessage().contains("wrong shape"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("out").resolve("model.json")));
    }

    @Test
    void unknownArchitectureListsPresetsAndModelJson(@TempDir Path dir) throws Exception {
        Path pth = resource(dir, "tiny.pth");
        IOException e = assertThrows(IOException.class,
                () -> PytorchImport.run(pth, "foo-net", dir.resolve("out"), null, Device.cpu()));
        assertTrue(e.getMessage().contains("infnet-medium") && e.getMessage().contains("model.json"), e.getMessage());
    }
}
