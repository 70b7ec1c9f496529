package org.infnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.infnet.io.SafeTensors;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.Res2NetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model folders: exact round trip, and clear errors for damaged or mismatched folders. */
class InfNetModelTest {

    private static final InfNetConfig TINY = new InfNetConfig("infnet-tiny",
            new Res2NetConfig(8, new int[] {1, 1, 1, 1}, new int[] {8, 16, 16, 16}, 26, 4), 8, 8, 8, 8);

    @TempDir
    Path dir;

    private static float[] input(int side) {
        float[] x = new float[3 * side * side];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37) * 1.5f;
        }
        return x;
    }

    /** All five outputs, in evaluation mode, on a fixed 64x64 input. */
    private static float[][] outputs(NetworkModel<InfNet> model) {
        return outputs(model, false);
    }

    /** All five outputs on the fixed input, through the plain store or the model's own (channels-last) one. */
    private static float[][] outputs(NetworkModel<InfNet> model, boolean modelStore) {
        try (NDManager m = model.manager().newSubManager()) {
            Engines.disableGradientRecording();
            NDArray x = m.create(input(64), InfNet.inputShape(1, 64));
            ParameterStore ps = modelStore ? model.parameterStore(m) : new ParameterStore(m, false);
            NDList out = model.net().forward(ps, new NDList(x), false);
            float[][] r = new float[out.size()][];
            for (int i = 0; i < r.length; i++) {
                r[i] = out.get(i).toFloatArray();
            }
            return r;
        }
    }

    @Test
    void saveAndLoadRoundTripIsExact() throws IOException {
        Path folder = dir.resolve("compact");
        ModelDescriptor d = ModelDescriptor.create("round-trip", InfNetConfig.COMPACT)
                .with(Map.of("note", "test"), Map.of("meanDic", 0.5));
        Engine.getInstance().setRandomSeed(17);
        try (NetworkModel<InfNet> a = ModelKind.INFNET.create(d, Device.cpu())) {
            // make the running statistics non-trivial too
            a.parameters().forEach((k, p) -> {
                if (k.endsWith("running_var")) {
                    p.getArray().addi(0.25f);
                }
            });
            a.save(folder, d);
            assertTrue(Files.isRegularFile(folder.resolve(ModelDescriptor.FILE)));
            assertTrue(Files.isRegularFile(folder.resolve(d.weights())));
            Map<String, SafeTensors.Tensor> wa = a.weights();
            float[][] oa = outputs(a);
            try (NetworkModel<InfNet> b = ModelKind.INFNET.load(folder, Device.cpu())) {
                ModelDescriptor e = b.descriptor();
                assertEquals(d.toJson(), e.toJson());
                assertEquals(d.format(), e.format());
                assertEquals(d.name(), e.name());
                assertEquals(d.network().architecture(), e.network().architecture());
                assertArrayEquals(d.network().backbone().blocks(), e.network().backbone().blocks());
                assertArrayEquals(d.network().backbone().planes(), e.network().backbone().planes());
                assertEquals(d.network().rfbChannels(), e.network().rfbChannels());
                assertEquals(d.inputSize(), e.inputSize());
                assertArrayEquals(d.normalisation().mean(), e.normalisation().mean());
                assertArrayEquals(d.normalisation().std(), e.normalisation().std());
                assertEquals(d.weights(), e.weights());
                assertEquals(d.provenance(), e.provenance());
                assertEquals(d.validation(), e.validation());

                Map<String, SafeTensors.Tensor> wb = b.weights();
                assertEquals(wa.keySet(), wb.keySet());
                assertTrue(wa.keySet().stream().anyMatch(k -> k.endsWith("running_mean")));
                for (String k : wa.keySet()) {
                    assertArrayEquals(wa.get(k).shape(), wb.get(k).shape(), k);
                    assertArrayEquals(wa.get(k).data(), wb.get(k).data(), 0f, k);
                }
                float[][] ob = outputs(b);
                for (int i = 0; i < oa.length; i++) {
                    assertArrayEquals(oa[i], ob[i], 0f, "output " + i);
                }
            }
            // a different random network gives different outputs (the comparison above is not vacuous)
            try (NetworkModel<InfNet> c = ModelKind.INFNET.create(d, Device.cpu())) {
                assertNotEquals(Arrays.toString(oa[InfNet.MAP2]), Arrays.toString(outputs(c)[InfNet.MAP2]));
            }
        }
    }

    @Test
    void frozenModelServesChannelsLastCopiesThatFollowNewWeights() throws IOException {
        Engine.getInstance().setRandomSeed(5);
        try (NetworkModel<InfNet> a = ModelKind.INFNET.create(ModelDescriptor.create("a", TINY), Device.cpu());
                NetworkModel<InfNet> b = ModelKind.INFNET.create(ModelDescriptor.create("b", TINY), Device.cpu())) {
            float[][] plain = outputs(a);
            float[][] copies = outputs(a, true);
            long before = a.manager().getManagedArrays().size();
            a.freeze();
            assertTrue(a.manager().getManagedArrays().size() > before, "freeze keeps channels-last copies");
            float[][] frozen = outputs(a, true);
            for (int i = 0; i < plain.length; i++) {
                assertClose(plain[i], copies[i], "output " + i + ", copies per pass");
                assertClose(plain[i], frozen[i], "output " + i + ", frozen copies");
            }
            // new weights into a frozen model: its store must not serve the old copies
            a.setWeights(b.weights(), "b");
            float[][] expected = outputs(b);
            float[][] after = outputs(a, true);
            assertNotEquals(Arrays.toString(plain[InfNet.MAP2]), Arrays.toString(expected[InfNet.MAP2]));
            assertClose(expected[InfNet.MAP2], after[InfNet.MAP2], "after setWeights");
            // freezing again after new weights frees the old copies and leaves no folding intermediate behind
            a.freeze();
            long frozenOnce = a.manager().getManagedArrays().size();
            for (int i = 0; i < 2; i++) {
                a.setWeights(b.weights(), "b");
                a.freeze();
                assertEquals(frozenOnce, a.manager().getManagedArrays().size(), "arrays after freezing again");
            }
        }
    }

    /** Equal up to float rounding: within 1e-5 of the largest magnitude (a random network's outputs reach 1e3). */
    private static void assertClose(float[] expected, float[] actual, String what) {
        float scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertArrayEquals(expected, actual, 1e-5f * Math.max(1, scale), what);
    }

    private Path saveTiny(String name) throws IOException {
        Path folder = dir.resolve(name);
        ModelDescriptor d = ModelDescriptor.create(name, TINY);
        try (NetworkModel<InfNet> m = ModelKind.INFNET.create(d, Device.cpu())) {
            m.save(folder, d);
        }
        return folder;
    }

    private static IOException loadFails(Path folder) {
        return assertThrows(IOException.class, () -> ModelKind.INFNET.load(folder, Device.cpu()).close());
    }

    private static void assertMentions(IOException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void truncatedWeightsFileIsReported() throws IOException {
        Path folder = saveTiny("truncated");
        Path w = folder.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(w);
        Files.write(w, Arrays.copyOf(all, all.length - 1000));
        assertMentions(loadFails(folder), w.toString(), "truncated");
        Files.write(w, Arrays.copyOf(all, 5));
        assertMentions(loadFails(folder), w.toString(), "not a safetensors file");
        Files.delete(w);
        assertMentions(loadFails(folder), w.toString(), "not found");
    }

    @Test
    void corruptDescriptorIsReported() throws IOException {
        Path folder = saveTiny("corrupt");
        Path json = folder.resolve(ModelDescriptor.FILE);
        Files.writeString(json, "{ \"format\": \"infnet-fiji-model/1\", \"name\": [1, 2", StandardCharsets.UTF_8);
        assertMentions(loadFails(folder), json.toString(), "not a valid model descriptor");
        Files.writeString(json, "", StandardCharsets.UTF_8);
        assertMentions(loadFails(folder), json.toString(), "empty model descriptor");
        Files.delete(json);
        assertMentions(loadFails(folder), folder.toString(), "not a model folder");
    }

    @Test
    void descriptorOfAnotherFormatIsReported() throws IOException {
        Path folder = saveTiny("other-format");
        Path json = folder.resolve(ModelDescriptor.FILE);
        String text = Files.readString(json);
        assertTrue(text.contains(ModelDescriptor.FORMAT));
        Files.writeString(json, text.replace(ModelDescriptor.FORMAT, "some-other-model/7"));
        assertMentions(loadFails(folder), json.toString(), "some-other-model/7", ModelDescriptor.FORMAT);
    }

    @Test
    void weightsOfAnotherArchitectureAreReported() throws IOException {
        Path folder = saveTiny("other-architecture");
        // the descriptor now claims the compact network, the weights are the tiny one's
        ModelDescriptor compact = ModelDescriptor.create("other-architecture", InfNetConfig.COMPACT);
        Files.writeString(folder.resolve(ModelDescriptor.FILE), compact.toJson());
        IOException e = loadFails(folder);
        assertMentions(e, folder.toString(), "weights do not fit network infnet-compact", "has shape");
    }

    @Test
    void missingBundledModelIsReported() {
        IOException e = assertThrows(IOException.class,
                () -> ModelKind.INFNET.loadResource("/models/no-such-model", Device.cpu()).close());
        assertMentions(e, "/models/no-such-model/model.json", "no such bundled model");
    }
}
