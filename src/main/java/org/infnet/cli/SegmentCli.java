package org.infnet.cli;

import ai.djl.Device;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.infnet.infer.FileSegmentation;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.image.HuWindow;
import org.infnet.model.Engines;
import org.infnet.model.InferenceEngine;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.ModelLocator;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;
import org.infnet.onnx.OnnxNetwork;
import org.infnet.infer.LesionClasses;
import org.infnet.infer.MultiClassSegmenter;
import org.infnet.infer.Segmentation;
import org.infnet.infer.VolumeSegmenter;

/**
 * {@code segment INPUT... --output DIR [--model NAME|DIR] [--threshold T] [--edges]}; with {@code --multiclass}
 * GGO / consolidation segmentation (the same {@link FileSegmentation}, over {@link MultiClassSegmenter}): {@code --model} then names the multi-class model
 * (default {@link ModelLocator#DEFAULT_MULTICLASS}) and {@code --prior-model} the infection model making the
 * prior (default {@link ModelLocator#DEFAULT}).
 */
final class SegmentCli {

    private SegmentCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("output", "model", "prior-model", "threshold", "window-level", "window-width",
                "batch", "device", "streams", "intercept", "engine", "onnx-threads", "precision"),
                Set.of("edges", "multiclass"));
        if (a.positional().isEmpty()) {
            throw new Args.UsageException("segment needs at least one input file or folder");
        }
        Path outDir = a.path("output");
        List<Path> inputs = a.positional().stream().map(Args::pathOf).toList();
        List<Path> files = FileSegmentation.expand(inputs);
        FileSegmentation.checkOutputFolder(inputs, outDir);
        // --intercept C: values v of 16/32-bit and NIfTI inputs are taken as HU v + C, i.e. windowed at level - C
        double intercept = a.number("intercept", 0);
        if (!Double.isFinite(intercept)) {
            throw new Args.UsageException("--intercept must be a finite number, got " + intercept);
        }
        InfectionSegmenter.Options opt = new InfectionSegmenter.Options(a.number("threshold", 0.5),
                new HuWindow(a.number("window-level", HuWindow.LUNG.level()) - intercept,
                        a.number("window-width", HuWindow.LUNG.width())),
                a.integer("batch", VolumeSegmenter.DEFAULT_BATCH));
        Device dev = Args.device(a);
        Threads threads = Threads.parse(a, dev);
        List<Path> protectedPaths = new ArrayList<>(files);
        if (a.has("multiclass")) {
            if (a.has("edges") || a.has("threshold")) {
                throw new Args.UsageException("--edges and --threshold do not apply to --multiclass (labels are the argmax)");
            }
            threads.apply();
            return multiClass(a, files, outDir, opt, dev, threads.streams(), protectedPaths, out);
        }
        if (a.has("prior-model")) {
            throw new Args.UsageException("--prior-model applies to --multiclass only");
        }
        threads.apply();
        try (NetworkModel<InfNet> model = ModelLocator.open(ModelKind.INFNET, a.get("model", ModelLocator.DEFAULT), dev)) {
            InferenceEngine engine = engine(a, model.descriptor(), dev);
            if (engine == InferenceEngine.PYTORCH) {
                model.freeze();
            }
            // several files: one group of files per stream; a single one (a stack): its slices split between them
            var job = new FileSegmentation<>(new InfectionSegmenter(model, opt.withEdges(a.has("edges")), engine));
            long t0 = System.nanoTime();
            segmentAll(job, files, outDir, protectedPaths, threads.streams(), out, w -> String.format(java.util.Locale.ROOT,
                    "%d infected pixels (%.2f%%)", w.infectedPixels(), 100.0 * w.infectedPixels() / w.pixels()));
            out.printf(java.util.Locale.ROOT, "segmented %d file(s) with model %s on %s in %.1f s; outputs in %s%n",
                    files.size(), model.descriptor().name(), engine.id(), (System.nanoTime() - t0) / 1e9, outDir);
        }
        return 0;
    }

    /** Segments {@code files} with {@code job} and prints a line per file ({@code counts} says what was found). */
    private static <R extends Segmentation> void segmentAll(FileSegmentation<R> job, List<Path> files, Path outDir,
            List<Path> protectedPaths, int streams, PrintStream out,
            java.util.function.Function<FileSegmentation.Written, String> counts) throws java.io.IOException {
        job.segmentAll(files, outDir, protectedPaths, streams, (f, w) -> {
            w.warnings().forEach(m -> out.println("warning: " + f + ": " + m));
            out.printf(java.util.Locale.ROOT, "%s: %s -> %s%n", f.getFileName(), counts.apply(w),
                    String.join(", ", w.outputs().stream().map(p -> p.getFileName().toString()).toList()));
        });
    }

    /**
     * The threads of a run, parsed from the arguments without changing anything; {@link #apply} then sets them for
     * this process, once, before any model is loaded.
     *
     * @param streams {@code --streams N} (default: one per processor on the CPU, 1 on a GPU)
     * @param onnxThreads {@code --onnx-threads N}: threads per operator of ONNX Runtime (default 1 with several
     *     streams, else 0: one per available processor)
     */
    record Threads(int streams, int onnxThreads) {
        static Threads parse(Args a, Device dev) throws Args.UsageException {
            int n = a.integer("streams", dev.isGpu() ? 1 : Runtime.getRuntime().availableProcessors());
            if (n < 1) {
                throw new Args.UsageException("--streams must be at least 1, got " + n);
            }
            int threads = a.integer("onnx-threads", n > 1 ? 1 : 0);
            if (threads < 0) {
                throw new Args.UsageException("--onnx-threads must be at least 0, got " + threads);
            }
            return new Threads(n, threads);
        }

        /**
         * Sets the engines' threads for this process: more than one stream sets PyTorch to one thread per operation
         * ({@link Engines#setIntraOpThreads}); ONNX Runtime gets {@link #onnxThreads}.
         */
        void apply() {
            if (streams > 1) {
                Engines.setIntraOpThreads(1);
            }
            OnnxNetwork.setIntraOpThreads(onnxThreads);
        }
    }

    /**
     * {@code --streams N} parsed and applied at once ({@link Threads#apply}, PyTorch's part only), for the benchmarks.
     */
    static int streams(Args a, Device dev) throws Args.UsageException {
        Threads t = Threads.parse(a, dev);
        if (t.streams() > 1) {
            Engines.setIntraOpThreads(1);
        }
        return t.streams();
    }

    /**
     * {@code --engine onnx|pytorch} (default: the model's preference, else {@link InferenceEngine#DEFAULT}; PyTorch on
     * a GPU, where ONNX Runtime's CPU package would not use it) and {@code --precision fp32|int8} (ONNX Runtime only:
     * int8 runs the Inf-Net quantised by {@link org.infnet.onnx.OnnxQuantizer}; set on every run, so that an earlier
     * in-process run's choice does not carry over).
     */
    static InferenceEngine engine(Args a, ModelDescriptor d, Device dev) throws Args.UsageException {
        InferenceEngine e;
        try {
            e = a.has("engine") || !dev.isGpu() ? InferenceEngine.resolve(a.get("engine", null), d)
                    : InferenceEngine.PYTORCH;
        } catch (IllegalArgumentException ex) {
            throw new Args.UsageException("--engine: " + ex.getMessage());
        }
        OnnxNetwork.Precision p;
        try {
            p = OnnxNetwork.Precision.parse(a.get("precision", System.getProperty("infnet.onnx.precision", "fp32")));
        } catch (IllegalArgumentException ex) {
            throw new Args.UsageException("--precision: " + ex.getMessage());
        }
        if (p == OnnxNetwork.Precision.INT8 && e != InferenceEngine.ONNX && a.has("precision")) {
            throw new Args.UsageException("--precision int8 needs --engine onnx");
        }
        OnnxNetwork.setPrecision(p);
        return e;
    }

    private static int multiClass(Args a, List<Path> files, Path outDir, InfectionSegmenter.Options opt, Device dev,
            int streams, List<Path> protectedPaths, PrintStream out) throws Exception {
        try (NetworkModel<InfNet> prior = ModelLocator.open(ModelKind.INFNET, a.get("prior-model", ModelLocator.DEFAULT), dev);
                NetworkModel<MultiClassUNet> model = ModelLocator.open(ModelKind.UNET, a.get("model", ModelLocator.DEFAULT_MULTICLASS), dev)) {
            InferenceEngine engine = engine(a, model.descriptor(), dev);
            if (engine == InferenceEngine.PYTORCH) {
                prior.freeze();
                model.freeze();
            }
            var job = new FileSegmentation<>(new MultiClassSegmenter(prior, model,
                    new MultiClassSegmenter.Options(opt.window(), opt.batchSize()), engine));
            long t0 = System.nanoTime();
            segmentAll(job, files, outDir, protectedPaths, streams, out, w -> String.format(java.util.Locale.ROOT,
                    "GGO %d pixels (%.2f%%), consolidation %d pixels (%.2f%%)", w.classPixels()[LesionClasses.GGO],
                    100.0 * w.classPixels()[LesionClasses.GGO] / w.pixels(), w.classPixels()[LesionClasses.CONSOLIDATION],
                    100.0 * w.classPixels()[LesionClasses.CONSOLIDATION] / w.pixels()));
            out.printf(java.util.Locale.ROOT, "segmented %d file(s) with models %s (prior) and %s on %s in %.1f s;"
                    + " outputs in %s%n", files.size(), prior.descriptor().name(), model.descriptor().name(), engine.id(),
                    (System.nanoTime() - t0) / 1e9, outDir);
        }
        return 0;
    }
}
