package org.infnet.cli;

import ai.djl.Device;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.infnet.model.ModelKind;
import org.infnet.model.ModelLocator;
import org.infnet.model.NetworkModel;
import org.infnet.nn.MultiClassUNet;

/**
 * {@code export-onnx MODEL --output FILE [--multiclass]}: writes the model's network as an ONNX file (opset 17,
 * dynamic batch, the model's input side; see {@link org.infnet.onnx.OnnxExport} for inputs and outputs), for other
 * tools (deepImageJ, Python). MODEL is a folder or a name; a multi-class U-Net folder is recognised, a U-Net by
 * name needs {@code --multiclass}.
 */
final class ExportOnnxCli {

    private ExportOnnxCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("output"), Set.of("multiclass"));
        if (a.positional().size() != 1) {
            throw new Args.UsageException("export-onnx needs exactly one model (name or folder)");
        }
        String spec = a.positional().get(0);
        Path file = a.path("output");
        Path asPath = Path.of(spec);
        boolean unet = a.has("multiclass") || ModelLocator.DEFAULT_MULTICLASS.equals(spec)
                || (Files.isDirectory(asPath) && ModelKind.UNET.isFolderOf(asPath));
        try (NetworkModel<?> m = unet ? ModelLocator.open(ModelKind.UNET, spec, Device.cpu())
                : ModelLocator.open(ModelKind.INFNET, spec, Device.cpu())) {
            long t0 = System.nanoTime();
            m.exportOnnx(file);
            out.printf(java.util.Locale.ROOT, "wrote %s (%s, %s, input N x %d x %d x %d, %.1f MB) in %.1f s%n", file,
                    m.descriptor().name(), m.descriptor().architecture(),
                    unet ? m.descriptor().unet().inChannels() : 3, m.descriptor().inputSize(),
                    m.descriptor().inputSize(), Files.size(file) / 1e6, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
