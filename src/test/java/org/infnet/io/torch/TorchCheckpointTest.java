package org.infnet.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader on small checkpoints written by torch.save (bench/python/make_pth_fixtures.py). */
class TorchCheckpointTest {

    @TempDir
    Path dir;

    static Path fixture(String name) throws Exception {
        return Path.of(TorchCheckpointTest.class.getResource("/pth/" + name).toURI());
    }

    /** The fixtures' values: (i - n/2) * 0.125 at flat index i of a tensor of n values. */
    static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2) * 0.125f;
        }
        return v;
    }

    private static void assertSmallStateDict(TorchCheckpoint c, String prefix, String dtype) {
        Map<String, TorchTensor> t = c.tensors();
        TorchTensor w = t.get(prefix + "conv.weight");
        assertEquals(dtype, w.dtype());
        assertArrayEquals(new long[] {4, 3, 3, 3}, w.shape());
        assertArrayEquals(ramp(108), w.data());
        assertArrayEquals(ramp(4), t.get(prefix + "conv.bias").data());
        assertArrayEquals(ramp(4), t.get(prefix + "bn.running_var").data());
        TorchTensor nbt = t.get(prefix + "bn.num_batches_tracked");
        assertEquals("int64", nbt.dtype());
        assertEquals(0, nbt.shape().length);
        assertArrayEquals(new float[] {7}, nbt.data());
        assertEquals(4, t.size());
    }

    @Test
    void readsAModuleStateDictInFloat32() throws Exception {
        TorchCheckpoint c = TorchCheckpoint.read(fixture("float32.pth"));
        assertEquals("zip", c.format());
        assertEquals("top level", c.container());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(ramp(108), c.tensors().get("0.weight").data());
        assertArrayEquals(new long[] {4, 3, 3, 3}, c.tensors().get("0.weight").shape());
        assertArrayEquals(ramp(4), c.tensors().get("1.running_var").data());
        assertArrayEquals(new float[] {1, 1, 1, 1}, c.tensors().get("1.weight").data());
        assertArrayEquals(new float[] {7}, c.tensors().get("1.num_batches_tracked").data());
    }

    @Test
    void readsFloat16AndBfloat16() throws Exception {
        assertSmallStateDict(TorchCheckpoint.read(fixture("float16.pth")), "", "float16");
        assertSmallStateDict(TorchCheckpoint.read(fixture("bfloat16.pth")), "", "bfloat16");
    }

    @Test
    void halfPrecisionConversionCoversSpecialValues() {
        assertEquals(1f, TorchTensor.halfToFloat(0x3c00));
        assertEquals(-2f, TorchTensor.halfToFloat(0xc000));
        assertEquals(65504f, TorchTensor.halfToFloat(0x7bff));
        assertEquals(0x1p-24f, TorchTensor.halfToFloat(0x0001));
        assertEquals(Float.POSITIVE_INFINITY, TorchTensor.halfToFloat(0x7c00));
        assertTrue(Float.isNaN(TorchTensor.halfToFloat(0x7e00)));
        assertEquals(1f, TorchTensor.bfloat16ToFloat(0x3f80));
    }

    @Test
    void readsNonContiguousViewsInLogicalOrder() throws Exception {
        Map<String, TorchTensor> t = TorchCheckpoint.read(fixture("views.pth")).tensors();
        float[] base = ramp(12); // 3x4
        TorchTensor tr = t.get("transposed");
        assertArrayEquals(new long[] {4, 3}, tr.shape());
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(base[j * 4 + i], tr.data()[i * 3 + j], "transposed[" + i + "][" + j + "]");
            }
        }
        float[] big = ramp(20); // 4x5, sliced [1:, 2:]
        TorchTensor sl = t.get("sliced");
        assertArrayEquals(new long[] {3, 3}, sl.shape());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(big[(i + 1) * 5 + j + 2], sl.data()[i * 3 + j]);
            }
        }
        assertArrayEquals(base, t.get("contiguous").data());
    }

    @Test
    void stripsTheDataParallelPrefix() throws Exception {
        TorchCheckpoint c = TorchCheckpoint.read(fixture("dataparallel.pth"));
        assertEquals(4, c.strippedPrefixes());
        assertSmallStateDict(c, "", "float32");
    }

    @Test
    void findsTheStateDictInsideATrainingCheckpoint() throws Exception {
        TorchCheckpoint c = TorchCheckpoint.read(fixture("nested.pth"));
        assertEquals("state_dict", c.container());
        assertSmallStateDict(c, "", "float32");
    }

    @Test
    void readsTheLegacyFormat() throws Exception {
        TorchCheckpoint c = TorchCheckpoint.read(fixture("legacy.pth"));
        assertEquals("legacy", c.format());
        assertSmallStateDict(c, "", "float32");
    }

    @Test
    void truncatedFileFailsClearly() throws Exception {
        Path f = fixture("truncated.pth");
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
    }

    @Test
    void truncatedLegacyFileNamesTheStorage() throws Exception {
        byte[] all = Files.readAllBytes(fixture("legacy.pth"));
        Path f = dir.resolve("cut.pth");
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 10));
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().contains("storage") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aNonTensorEntryIsNamed() throws Exception {
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(fixture("not_a_tensor.pth")));
        assertTrue(e.getMessage().contains("key 'epoch': not a tensor"), e.getMessage());
    }

    @Test
    void aPickledModuleIsNotAStateDict() throws Exception {
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(fixture("whole_module.pth")));
        assertTrue(e.getMessage().contains("torch.nn.modules.conv.Conv2d") && e.getMessage().contains("state_dict()"),
                e.getMessage());
    }

    @Test
    void otherFilesAreRejected() throws Exception {
        Path f = dir.resolve("notes.pth");
        Files.writeString(f, "hello", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().contains("not a PyTorch checkpoint"), e.getMessage());
    }

    @Test
    void aStorageTooShortForItsTensorNamesTheKey() throws Exception {
        // a zip checkpoint whose storage 1 lost its tail
        Path good = dir.resolve("good.pth");
        Map<String, TorchTensor> sd = new LinkedHashMap<>();
        sd.put("a.weight", new TorchTensor("float32", new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        sd.put("b.weight", new TorchTensor("float32", new long[] {3}, new float[] {5, 6, 7}));
        TorchWriter.write(good, sd, null);
        assertArrayEquals(new float[] {5, 6, 7}, TorchCheckpoint.read(good).tensors().get("b.weight").data());
        Path bad = dir.resolve("bad.pth");
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(good));
                var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(bad))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] b = in.readAllBytes();
                if (e.getName().equals("archive/data/1")) {
                    b = java.util.Arrays.copyOf(b, 8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(b);
                out.closeEntry();
            }
        }
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(bad));
        assertTrue(e.getMessage().contains("'b.weight'") && e.getMessage().contains("holds 2"), e.getMessage());
    }

    @Test
    void aStateDictUnderAWrapperKeyIsFound() throws Exception {
        Path f = dir.resolve("wrapped.pth");
        TorchWriter.write(f, Map.of("module.x", new TorchTensor("float32", new long[] {1}, new float[] {3})), "model");
        TorchCheckpoint c = TorchCheckpoint.read(f);
        assertEquals("model", c.container());
        assertArrayEquals(new float[] {3}, c.tensors().get("x").data());
    }
}
