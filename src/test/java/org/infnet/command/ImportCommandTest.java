package org.infnet.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.infnet.io.torch.TorchTensor;
import org.infnet.io.torch.TorchWriter;
import org.infnet.model.ModelDescriptor;
import org.infnet.nn.ReferenceTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

class ImportCommandTest {

    @TempDir
    Path dir;

    @Test
    void importCommandWritesAModelFolderHeadless() throws Exception {
        Map<String, TorchTensor> sd = new LinkedHashMap<>();
        for (ReferenceTable.Row r : ReferenceTable.bundled("infnet-res2net50").rows()) {
            sd.put(r.name(), new TorchTensor("float32", r.shape(), new float[(int) r.size()]));
        }
        Path pth = dir.resolve("infnet.pth");
        TorchWriter.write(pth, sd, null);
        Path out = dir.resolve("model");
        try (Context ctx = new Context(CommandService.class)) {
            CommandService cs = ctx.service(CommandService.class);
            CommandModule m = cs.run(ImportPytorchCheckpoint.class, true, Map.of("checkpoint", pth.toFile(),
                    "arch", "infnet-res2net50", "output", out.toFile(), "name", "from-torch")).get();
            assertEquals(out.toString(), m.getOutput("model"));
            ModelDescriptor d = ModelDescriptor.parse(Files.readString(out.resolve(ModelDescriptor.FILE)), "json");
            assertEquals("from-torch", d.name());
            assertEquals(64, d.provenance().get("source_sha256").length());

            Path small = Path.of(getClass().getResource("/pth/float32.pth").toURI());
            ExecutionException e = assertThrows(ExecutionException.class, () -> cs.run(ImportPytorchCheckpoint.class,
                    true, Map.of("checkpoint", small.toFile(), "arch", "infnet-res2net50", "output",
                            dir.resolve("x").toFile())).get());
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t.getMessage()).append('\n');
            }
            assertTrue(chain.toString().contains("946 missing"), chain.toString());
        }
    }
}
