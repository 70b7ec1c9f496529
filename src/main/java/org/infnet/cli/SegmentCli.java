package org.infnet.cli;

import ai.djl.Device;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.infnet.infer.FileSegmentation;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.infer.Progress;
import org.infnet.io.HuWindow;
import org.infnet.model.InfNetModel;
import org.infnet.model.ModelLocator;

/** {@code segment INPUT... --output DIR [--model NAME|DIR] [--threshold T] [--edges]}. */
final class SegmentCli {

    private SegmentCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("output", "model", "threshold", "window-level", "window-width", "batch", "device"),
                Set.of("edges"));
        if (a.positional().isEmpty()) {
            throw new Args.UsageException("segment needs at least one input file or folder");
        }
        Path outDir = a.path("output");
        List<Path> inputs = a.positional().stream().map(Path::of).toList();
        List<Path> files = FileSegmentation.expand(inputs);
        FileSegmentation.checkOutputFolder(inputs, outDir);
        InfectionSegmenter.Options opt = new InfectionSegmenter.Options(a.number("threshold", 0.5),
                new HuWindow(a.number("window-level", HuWindow.LUNG.level()), a.number("window-width", HuWindow.LUNG.width())),
                a.integer("batch", 4));
        Device dev = "gpu".equalsIgnoreCase(a.get("device", "cpu")) ? Device.gpu() : Device.cpu();
        List<Path> protectedPaths = new ArrayList<>(files);
        try (InfNetModel model = ModelLocator.open(a.get("model", ModelLocator.DEFAULT), dev)) {
            model.freeze();
            FileSegmentation job = new FileSegmentation(new InfectionSegmenter(model, opt), a.has("edges"));
            long t0 = System.nanoTime();
            for (Path f : files) {
                FileSegmentation.Written w = job.segment(f, outDir, protectedPaths, Progress.NONE);
                out.printf(java.util.Locale.ROOT, "%s: %d infected pixels (%.2f%%) -> %s%n", f.getFileName(),
                        w.infectedPixels(), 100.0 * w.infectedPixels() / w.pixels(),
                        String.join(", ", w.outputs().stream().map(p -> p.getFileName().toString()).toList()));
            }
            out.printf(java.util.Locale.ROOT, "segmented %d file(s) with model %s in %.1f s; outputs in %s%n", files.size(),
                    model.descriptor().name(), (System.nanoTime() - t0) / 1e9, outDir);
        }
        return 0;
    }
}
