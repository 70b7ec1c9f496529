package org.infnet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.infnet.cli.Args;
import org.infnet.io.AtomicFiles;
import org.infnet.infer.FileSegmentation;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.io.ImageFiles;
import org.infnet.model.Engines;
import org.infnet.model.InferenceEngine;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.onnx.OnnxNetwork;
import org.infnet.model.ModelLocator;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomNifti;
import org.infnet.phantom.PhantomVolume;

/**
 * {@code bench --volume N [--format nifti|nifti-float32|png] [--model NAME|DIR] [--batch 1,4] [--keep DIR]}:
 * end-to-end throughput of {@code segment} on an N-slice 512x512 phantom CT, through {@link FileSegmentation} (the
 * segment command's own path).
 *
 * <p>The input is written first, untimed, to a temporary folder (or {@code --keep DIR}): {@code nifti} (the default,
 * the case of the public COVID-19 CT collections) is one {@code .nii.gz} volume of int16 Hounsfield units at zlib's
 * default level, as scanners and {@code dcm2niix} store CT ({@code nifti-float32}: float32 HU, as resampling pipelines
 * write them), giving {@code _prob.nii.gz} and {@code _mask.nii.gz}; {@code png} is a folder of N lung-windowed 8-bit
 * slices (the COVID-SemiSeg / Inf-Net layout), each giving {@code _prob.tif} and {@code _mask.png}. The timed part is
 * read, window, resize, encode, network, resize back, threshold and write of every slice (no edge maps, as {@code
 * segment} without {@code --edges}). Before each batch size's timed run, an untimed warm-up run of the same path on a
 * short input of the same format (2 x streams x batch slices) compiles the Java code and creates the engine's kernels
 * for that batch shape on every stream, so the figure is the steady state and does not depend on the order of {@code
 * --batch} (its time is printed as {@code warmup_seconds}). One timed run per batch size; the figure is the fastest.
 */
final class VolumeBench {

    private VolumeBench() {}

    static void run(Args a, PrintStream out) throws Exception {
        int depth = a.integer("volume", 300);
        String format = a.get("format", "nifti");
        if (!format.equals("nifti") && !format.equals("nifti-float32") && !format.equals("png")) {
            throw new Args.UsageException("--format must be nifti, nifti-float32 or png, got " + format);
        }
        int[] batches = BenchCli.batches(a, "1,4");
        Path dir = a.has("keep") ? a.path("keep") : Files.createTempDirectory("infnet-volume-bench");
        try {
            long g0 = System.nanoTime();
            Path input = writeInput(dir.resolve("input"), depth, format);
            out.printf(Locale.ROOT, "input: %d slices of 512x512 as %s in %s (written in %.1f s, not timed)%n", depth,
                    format.equals("png") ? "8-bit lung-window PNG files" : "one " + (format.equals("nifti") ? "int16"
                            : "float32") + " HU .nii.gz volume", input,
                    (System.nanoTime() - g0) / 1e9);
            String spec = a.get("model", ModelLocator.DEFAULT);
            double best = 0;
            int bestBatch = 0;
            int streams = a.integer("streams", Runtime.getRuntime().availableProcessors());
            if (streams > 1) {
                Engines.setIntraOpThreads(1); // as segment --streams N does
            }
            out.println("streams: " + streams + (streams > 1 ? " (engine at one thread per operation)" : ""));
            InferenceEngine engine = BenchCli.engines(a, InferenceEngine.DEFAULT.id()).get(0);
            if (!a.has("onnx-threads")) {
                OnnxNetwork.setIntraOpThreads(streams > 1 ? 1 : 0);
            }
            out.println("engine: " + engine.id());
            try (NetworkModel<InfNet> model = BenchCli.open(spec)) {
                if (engine == InferenceEngine.PYTORCH) {
                    model.freeze();
                }
                out.println("model,format,slices,batch,seconds,slices_per_s,warmup_seconds,process_cpu_seconds");
                for (int b : batches) {
                    // untimed warm-up on a short input of the same kind (JIT, the engine's kernels for this batch
                    // size on every stream), so that the figure is the steady state and not the order of --batch
                    int warmDepth = Math.min(depth, 2 * streams * b);
                    Path warmIn = writeInput(dir.resolve("warmup-batch" + b), warmDepth, format);
                    long w0 = System.nanoTime();
                    segment(model, engine, warmIn, dir.resolve("warmup-out-batch" + b), b, streams);
                    double warm = (System.nanoTime() - w0) / 1e9;
                    long p0 = BenchCli.processCpuNanos();
                    long t0 = System.nanoTime();
                    Path outDir = dir.resolve("out-batch" + b);
                    segment(model, engine, input, outDir, b, streams);
                    double s = (System.nanoTime() - t0) / 1e9;
                    double cpu = (BenchCli.processCpuNanos() - p0) / 1e9;
                    out.printf(Locale.ROOT, "%s,%s,%d,%d,%.2f,%.2f,%.2f,%.2f%n", model.descriptor().name(), format,
                            depth, b, s, depth / s, warm, cpu);
                    if (depth / s > best) {
                        best = depth / s;
                        bestBatch = b;
                    }
                    AtomicFiles.deleteTree(outDir);
                }
                out.println(BenchCli.figure("volume_slices_per_s." + format + "." + model.descriptor().architecture()
                        + (engine == InferenceEngine.PYTORCH ? "" : "." + engine.id()), best) + ",batch " + bestBatch);
            }
        } finally {
            if (!a.has("keep")) {
                AtomicFiles.deleteTree(dir);
            }
        }
    }

    /** Segments {@code input} (a volume file or a folder of slices) into {@code outDir} as {@code segment} does. */
    private static void segment(NetworkModel<InfNet> model, InferenceEngine engine, Path input, Path outDir, int batch,
            int streams) throws IOException {
        List<Path> files = FileSegmentation.expand(List.of(input));
        var job = new FileSegmentation<>(new InfectionSegmenter(model,
                new InfectionSegmenter.Options(0.5, org.infnet.image.HuWindow.LUNG, batch).withEdges(false), engine));
        job.segmentAll(files, outDir, files, streams, (f, w) -> { });
    }

    /** Distinct phantom slices rendered; the volume cycles through them (content does not change the timing). */
    static final int DISTINCT = 24;

    /** Writes the phantom input: a NIfTI file, or a folder of PNG slices; returns the path to segment. */
    static Path writeInput(Path dir, int depth, String format) throws IOException {
        Files.createDirectories(dir);
        int k = Math.min(depth, DISTINCT);
        PhantomVolume v = new PhantomGenerator(11).volume(PhantomGenerator.Params.defaults().withLesionCount(12), k,
                5.0);
        int plane = v.width() * v.height();
        if (format.startsWith("nifti")) {
            float[] hu = new float[plane * depth];
            byte[] none = new byte[plane * depth];
            for (int z = 0; z < depth; z++) {
                System.arraycopy(v.hu(), (z % k) * plane, hu, z * plane, plane);
            }
            PhantomVolume tiled = new PhantomVolume(v.width(), v.height(), depth, v.calibration(), hu, none, none, none);
            Path file = dir.resolve("phantom.nii.gz");
            return format.equals("nifti") ? PhantomNifti.writeInt16(tiled, file) : PhantomNifti.write(tiled, file);
        }
        for (int z = 0; z < depth; z++) {
            ImageFiles.writePng8(dir.resolve(String.format(Locale.ROOT, "slice%04d.png", z)),
                    v.slice(z % k).lungWindow8(), v.width(), v.height());
        }
        return dir;
    }

}
