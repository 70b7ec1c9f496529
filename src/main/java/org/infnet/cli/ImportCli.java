package org.infnet.cli;

import ai.djl.Device;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.infnet.model.PytorchImport;

/** {@code import-pytorch FILE.pth --arch ARCH|MODEL.json --output DIR [--name NAME]}. */
final class ImportCli {

    private ImportCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("arch", "output", "name"), Set.of());
        if (a.positional().size() != 1) {
            throw new Args.UsageException("import-pytorch needs exactly one checkpoint file");
        }
        String arch = a.require("arch");
        if (!PytorchImport.ARCHITECTURES.contains(arch) && !arch.endsWith(".json")
                && !java.nio.file.Files.isDirectory(Path.of(arch))) {
            throw new Args.UsageException("--arch must be one of " + String.join(", ", PytorchImport.ARCHITECTURES)
                    + " or the path of a model.json, got '" + arch + "'");
        }
        PytorchImport.Report r = PytorchImport.run(Path.of(a.positional().get(0)), arch, a.path("output"),
                a.get("name", null), Device.cpu());
        out.printf("read %s (%s format, state dict at %s%s)%n", a.positional().get(0), r.format(), r.container(),
                r.strippedPrefixes() > 0 ? ", 'module.' prefix removed from " + r.strippedPrefixes() + " keys" : "");
        out.printf("tensors used: %d; dropped: %d (%s)%n", r.used(), r.dropped().size(),
                PytorchImport.summariseDropped(r.dropped()));
        out.printf("sha256 %s%nwrote model '%s' to %s%n", r.sha256(), r.descriptor().name(), r.folder());
        return 0;
    }
}
