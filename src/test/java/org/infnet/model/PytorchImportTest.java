package org.infnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.infnet.cli.Main;
import org.infnet.io.SafeTensors;
import org.infnet.io.torch.TorchTensor;
import org.infnet.io.torch.TorchWriter;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.ReferenceNames;
import org.infnet.nn.ReferenceTable;
import org.infnet.nn.UNetConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import of original state dicts through the bundled reference tables. */
class PytorchImportTest {

    private static ReferenceTable infnet;
    private static ReferenceTable unet;
    private static Set<String> networkNames;

    @TempDir
    Path dir;

    @BeforeAll
    static void tables() throws Exception {
        infnet = ReferenceTable.bundled("infnet-res2net50");
        unet = ReferenceTable.bundled("multiclass-unet");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            InfNet net = new InfNet(InfNetConfig.PAPER);
            net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            net.initialize(m, DataType.FLOAT32, InfNet.inputShape(1, 64));
            networkNames = Set.copyOf(ReferenceNames.of(net).keySet());
        }
    }

    /** A synthetic state dict holding every row of {@code table}: value = row index + 1e-3 * (i % 1000). */
    static Map<String, TorchTensor> synthetic(ReferenceTable table) {
        Map<String, TorchTensor> sd = new LinkedHashMap<>();
        for (ReferenceTable.Row r : table.rows()) {
            sd.put(r.name(), tensor(r));
        }
        return sd;
    }

    static TorchTensor tensor(ReferenceTable.Row r) {
        float[] v = new float[(int) r.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.index() + 1e-3f * (i % 1000);
        }
        return new TorchTensor(r.name().endsWith("num_batches_tracked") ? "int64" : "float32", r.shape(), v);
    }

    @Test
    void bundledTablesEqualTheSharedReference() throws Exception {
        for (String name : ReferenceTable.BUNDLED) {
            Path shared = Path.of("..", "shared", "reference", name + "-state-dict.tsv");
            if (Files.exists(shared)) {
                ReferenceTable a = ReferenceTable.read(shared);
                ReferenceTable b = ReferenceTable.bundled(name);
                assertEquals(a.rows().size(), b.rows().size());
                for (int i = 0; i < a.rows().size(); i++) {
                    assertEquals(a.rows().get(i).name(), b.rows().get(i).name());
                    assertArrayEquals(a.rows().get(i).shape(), b.rows().get(i).shape());
                }
            }
        }
        assertEquals(946, infnet.rows().size());
        assertEquals(128, unet.rows().size());
    }

    @Test
    void everyInfNetRowIsConsumedOnceAndUnusedRowsAreDropped() throws Exception {
        PytorchImport.Mapping m = PytorchImport.map(synthetic(infnet), infnet, networkNames, "infnet-res2net50", "t");
        assertEquals(networkNames.size(), m.used().size());
        assertEquals(infnet.rows().size(), m.used().size() + m.dropped().size());
        long counters = infnet.rows().stream().filter(r -> r.name().endsWith("num_batches_tracked")).count();
        assertEquals(counters + 2, m.dropped().size());
        assertTrue(m.dropped().containsAll(List.of("resnet.fc.weight", "resnet.fc.bias")));
        assertEquals("resnet.fc.weight, resnet.fc.bias, " + counters + " x num_batches_tracked",
                PytorchImport.summariseDropped(m.dropped()));
        // values stay with their names
        ReferenceTable.Row r = infnet.rows().stream().filter(x -> x.name().equals("ra4_conv2.bn.running_var"))
                .findFirst().orElseThrow();
        assertArrayEquals(tensor(r).data(), m.used().get(r.name()).data());
    }

    @Test
    void missingExtraAndMisShapedKeysAreListed() {
        Map<String, TorchTensor> sd = synthetic(infnet);
        sd.remove("ra4_conv2.bn.weight");
        sd.put("decoder.extra.weight", new TorchTensor("float32", new long[] {2}, new float[2]));
        sd.put("edge_conv1.conv.weight", new TorchTensor("float32", new long[] {64, 256, 1, 2}, new float[64 * 256 * 2]));
        IOException e = assertThrows(IOException.class,
                () -> PytorchImport.map(sd, infnet, networkNames, "infnet-res2net50", "x.pth"));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("x.pth: does not match the infnet-res2net50 state dict"), msg);
        assertTrue(msg.contains("1 missing: ra4_conv2.bn.weight (256)"), msg);
        assertTrue(msg.contains("1 unexpected: decoder.extra.weight (2)"), msg);
        assertTrue(msg.contains("1 wrong shape: edge_conv1.conv.weight is 64x256x1x2, expected 64x256x1x1"), msg);
    }

    @Test
    void aUnetStateDictIsValidatedAgainstItsTable() throws Exception {
        PytorchImport.Mapping m = PytorchImport.map(synthetic(unet), unet, null, "multiclass-unet", "u");
        assertEquals(unet.rows().size(), m.used().size());
        Map<String, TorchTensor> sd = synthetic(unet);
        sd.remove(unet.rows().get(0).name());
        IOException e = assertThrows(IOException.class, () -> PytorchImport.map(sd, unet, null, "multiclass-unet", "u"));
        assertTrue(e.getMessage().contains("1 missing: " + unet.rows().get(0).name()), e.getMessage());
    }

    private record Cli(int status, String out, String err) {}

    /** Writes {@code table}'s synthetic state dict as a DataParallel checkpoint under state_dict. */
    private Path checkpoint(ReferenceTable table, String fileName) throws IOException {
        Map<String, TorchTensor> sd = new LinkedHashMap<>();
        synthetic(table).forEach((k, v) -> sd.put("module." + k, v));
        Path pth = dir.resolve(fileName);
        TorchWriter.write(pth, sd, "state_dict");
        return pth;
    }

    private static Cli importCli(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream er = new ByteArrayOutputStream();
        String[] argv = new String[args.length + 1];
        argv[0] = "import-pytorch";
        System.arraycopy(args, 0, argv, 1, args.length);
        int status = Main.run(argv, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(er, true, StandardCharsets.UTF_8));
        return new Cli(status, o.toString(StandardCharsets.UTF_8), er.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aUnetCheckpointImportsIntoAModelFolderThatLoadsWithItsValues() throws Exception {
        Path pth = checkpoint(unet, "unet.pth");
        Path out = dir.resolve("unet-model");
        Cli run = importCli(pth.toString(), "--arch", "multiclass-unet", "--output", out.toString());
        assertEquals(0, run.status(), run.err());
        String printed = run.out();
        assertTrue(printed.contains("tensors used: 110; dropped: 18 (18 x num_batches_tracked)"), printed);
        ModelDescriptor d = ModelDescriptor.parse(Files.readString(out.resolve(ModelDescriptor.FILE)), "model.json");
        assertTrue(d.isUNet());
        assertEquals(null, d.network());
        assertEquals(UNetConfig.PAPER, d.unet());
        assertEquals("multiclass-unet", d.architecture());
        assertEquals("unet", d.name());
        assertEquals(PytorchImport.sha256(pth), d.provenance().get("source_sha256"));
        Map<String, SafeTensors.Tensor> w = SafeTensors.read(out.resolve(d.weights()));
        assertEquals(110, w.size());
        for (ReferenceTable.Row r : unet.rows()) {
            if (!r.name().endsWith("num_batches_tracked")) {
                assertArrayEquals(tensor(r).data(), w.get(r.name()).data(), r.name());
            }
        }
        try (NetworkModel<MultiClassUNet> m = ModelKind.UNET.load(out, Device.cpu())) {
            assertEquals(110, m.parameters().size());
            ReferenceTable.Row r = unet.rows().stream()
                    .filter(x -> x.name().equals("up2.conv.double_conv.4.running_mean")).findFirst().orElseThrow();
            assertArrayEquals(tensor(r).data(), m.parameters().get(r.name()).getArray().toFloatArray());
        }
        // the folder is not an Inf-Net, and says so
        IOException e = assertThrows(IOException.class, () -> ModelKind.INFNET.load(out, Device.cpu()).close());
        assertTrue(e.getMessage().contains("multi-class U-Net"), e.getMessage());
    }

    @Test
    void aWrongCheckpointIsRefusedAsAUnet() throws Exception {
        // an Inf-Net checkpoint is not a U-Net
        Path small = Path.of(getClass().getResource("/pth/float32.pth").toURI());
        IOException e2 = assertThrows(IOException.class,
                () -> PytorchImport.run(small, "multiclass-unet", dir.resolve("out"), null, Device.cpu()));
        assertTrue(e2.getMessage().contains("128 missing") && e2.getMessage().contains("7 unexpected"), e2.getMessage());
        assertTrue(!Files.exists(dir.resolve("out")));
        // a U-Net checkpoint with a mis-shaped tensor
        Map<String, TorchTensor> sd = synthetic(unet);
        sd.put("outc.conv.weight", new TorchTensor("float32", new long[] {2, 64, 1, 1}, new float[128]));
        Path pth = dir.resolve("bad.pth");
        TorchWriter.write(pth, sd, "state_dict");
        IOException e = assertThrows(IOException.class,
                () -> PytorchImport.run(pth, "multiclass-unet", dir.resolve("out"), null, Device.cpu()));
        assertTrue(e.getMessage().contains("1 wrong shape: outc.conv.weight is 2x64x1x1, expected 3x64x1x1"),
                e.getMessage());
        assertTrue(!Files.exists(dir.resolve("out")));
    }

    @Test
    void cliWritesAModelFolderThatLoadsWithTheCheckpointValues() throws Exception {
        Path pth = checkpoint(infnet, "Inf-Net-100.pth");
        Path out = dir.resolve("imported");
        Cli run = importCli(pth.toString(), "--arch", "infnet-res2net50", "--output", out.toString(), "--name",
                "original-random");
        String printed = run.out();
        assertEquals(0, run.status(), run.err());
        assertTrue(printed.contains("tensors used: " + networkNames.size() + "; dropped: " + (infnet.rows().size()
                - networkNames.size())), printed);
        ModelDescriptor d = ModelDescriptor.parse(Files.readString(out.resolve(ModelDescriptor.FILE)), "model.json");
        assertEquals("original-random", d.name());
        assertEquals("infnet-res2net50", d.network().architecture());
        assertEquals(PytorchImport.sha256(pth), d.provenance().get("source_sha256"));
        assertEquals(64, d.provenance().get("source_sha256").length());
        assertEquals("Inf-Net-100.pth", d.provenance().get("source_file"));
        Map<String, SafeTensors.Tensor> w = SafeTensors.read(out.resolve(d.weights()));
        assertEquals(networkNames, w.keySet());
        for (ReferenceTable.Row r : infnet.rows()) {
            if (networkNames.contains(r.name())) {
                assertArrayEquals(tensor(r).data(), w.get(r.name()).data(), r.name());
            }
        }
        try (NetworkModel<InfNet> m = ModelKind.INFNET.load(out, Device.cpu())) {
            assertEquals(networkNames.size(), m.parameters().size());
        }
        // a second import into the same folder is refused
        Cli again = importCli(pth.toString(), "--arch", "infnet-res2net50", "--output", out.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("already holds a model"), again.err());
    }
}
