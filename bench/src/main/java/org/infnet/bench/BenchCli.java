package org.infnet.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.infnet.cli.Args;
import org.infnet.infer.SlicePredictor;
import org.infnet.infer.UnitSlice;
import org.infnet.engine.NativeHeap;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.model.InferenceEngine;
import org.infnet.onnx.OnnxNetwork;
import org.infnet.model.ModelLocator;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.MacCount;

/**
 * {@code bench}: timings of the product's own code paths, one mode per call.
 *
 * <ul>
 *   <li>(default) {@code [--model NAME|DIR ...] [--arch A ...] [--batch 1,4] [--runs 20] [--warmup 3]}: inference
 *       time per 352x352 slice (median after warm-up, whole predictor path: resize, encode, network, resize
 *       back), trainable values, multiply-adds;
 *   <li>{@code --volume N [--format nifti|nifti-float32|png]}: end-to-end slices per second on an N-slice
 *       512x512 phantom volume ({@link VolumeBench});
 *   <li>{@code --rss N [--gc] [--trim] [--maps] [--pause MS]}: resident memory after N/10 and after N segmented
 *       slices ({@link RssBench});
 *   <li>{@code --train [--arch A ...]}: training images per second per scale ({@link TrainBench}).
 * </ul>
 *
 * Every mode ends with the process's peak RSS and prints its headline numbers as {@code figure,KEY,VALUE}
 * lines, the format {@code bench/run_all.sh} joins with the Python original's.
 */
public final class BenchCli {

    private BenchCli() {}

    public static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("model", "arch", "batch", "runs", "warmup", "volume", "format", "rss", "steps",
                "train-batch", "scales", "keep", "streams", "pause", "engine", "onnx-threads", "torch-threads"),
                Set.of("train", "gc", "trim", "maps"));
        org.infnet.engine.EngineConfig engineConfig = org.infnet.engine.EngineSetup.ensure();
        if (a.has("torch-threads")) {
            org.infnet.model.Engines.setIntraOpThreads(a.integer("torch-threads", 1));
        }
        if (a.has("onnx-threads")) {
            OnnxNetwork.setIntraOpThreads(a.integer("onnx-threads", 0));
        }
        out.printf(Locale.ROOT, "engine %s (%s), %d cores, %s%n", Engine.getInstance().getEngineName(),
                engineConfig.label(), Runtime.getRuntime().availableProcessors(), threads());
        if (a.has("volume")) {
            VolumeBench.run(a, out);
        } else if (a.has("rss")) {
            RssBench.run(a, out);
        } else if (a.has("train")) {
            TrainBench.run(a, out);
        } else {
            inference(a, out);
        }
        double peak = NativeHeap.peakMb();
        out.printf(Locale.ROOT, "peak RSS %.0f MB%n", peak);
        return 0;
    }

    private static void inference(Args a, PrintStream out) throws Exception {
        int[] batches = batches(a, "1,4");
        int runs = a.integer("runs", 20);
        int warmup = a.integer("warmup", 3);
        List<InferenceEngine> engines = engines(a, "onnx,pytorch");
        out.println("# the engines run in turn, run by run, so that both see the same machine load");
        out.println("# thread_cpu_ms: CPU time of the calling thread per slice (all of the work when the engine runs"
                + " one thread per operator, --torch-threads 1 --onnx-threads 1: a figure that other load on the"
                + " machine hardly changes)");
        out.println("model,engine,trainable_values,GMACs_per_slice,batch,median_ms_per_slice,min_ms_per_slice,"
                + "slices_per_s,median_thread_cpu_ms_per_slice,median_process_cpu_ms_per_slice");
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        List<String> specs = new ArrayList<>(a.all("model"));
        for (String arch : a.all("arch")) {
            specs.add("arch:" + arch);
        }
        if (specs.isEmpty()) {
            specs.add(ModelLocator.DEFAULT);
        }
        List<String> figures = new ArrayList<>();
        for (String spec : specs) {
            try (NetworkModel<InfNet> m = open(spec)) {
                long params = m.parameters().values().stream().filter(p -> !p.getName().startsWith("running"))
                        .mapToLong(p -> p.getArray().size()).sum();
                double gmacs = MacCount.of(m.net().config(), 352)[1] / 1e9;
                if (engines.contains(InferenceEngine.PYTORCH)) {
                    m.freeze();
                }
                List<SlicePredictor> predictors = new ArrayList<>();
                for (InferenceEngine engine : engines) {
                    long s0 = System.nanoTime();
                    predictors.add(new SlicePredictor(m, engine));
                    if (engine == InferenceEngine.ONNX) {
                        out.printf(Locale.ROOT, "# %s: ONNX session ready in %.1f s (onnx intra-op threads %s)%n",
                                m.descriptor().name(), (System.nanoTime() - s0) / 1e9,
                                OnnxNetwork.intraOpThreads() == 0 ? Runtime.getRuntime().availableProcessors() + " (one per processor)" : OnnxNetwork.intraOpThreads());
                    }
                }
                double[] best = new double[engines.size()];
                int[] bestBatch = new int[engines.size()];
                Arrays.fill(best, Double.MAX_VALUE);
                for (int b : batches) {
                    List<UnitSlice> batch = new ArrayList<>();
                    for (int i = 0; i < b; i++) {
                        float[] px = new float[352 * 352];
                        for (int k = 0; k < px.length; k++) {
                            px[k] = (float) (0.5 + 0.5 * Math.sin(k * 0.001 + i));
                        }
                        batch.add(new UnitSlice(px, 352, 352));
                    }
                    for (int i = 0; i < warmup; i++) {
                        predictors.forEach(p -> p.predict(batch));
                    }
                    double[][] t = new double[engines.size()][runs];
                    double[][] c = new double[engines.size()][runs];
                    double[][] pc = new double[engines.size()][runs];
                    for (int i = 0; i < runs; i++) {
                        for (int e = 0; e < engines.size(); e++) {
                            long p0 = processCpuNanos();
                            long c0 = cpu.getCurrentThreadCpuTime();
                            long t0 = System.nanoTime();
                            predictors.get(e).predict(batch);
                            t[e][i] = (System.nanoTime() - t0) / 1e6 / b;
                            c[e][i] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6 / b;
                            pc[e][i] = (processCpuNanos() - p0) / 1e6 / b;
                        }
                    }
                    for (int e = 0; e < engines.size(); e++) {
                        double median = median(t[e]);
                        out.printf(Locale.ROOT, "%s,%s,%d,%.3f,%d,%.1f,%.1f,%.2f,%.1f,%.1f%n", m.descriptor().name(),
                                engines.get(e).id(), params, gmacs, b, median, Arrays.stream(t[e]).min().orElseThrow(),
                                1000 / median, median(c[e]), median(pc[e]));
                        String suffix = engines.get(e) == InferenceEngine.PYTORCH ? "" : "." + engines.get(e).id();
                        if (b == 1) {
                            figures.add(figure("infer_ms_b1." + m.descriptor().architecture() + suffix, median));
                        }
                        if (median < best[e]) {
                            best[e] = median;
                            bestBatch[e] = b;
                        }
                    }
                }
                for (int e = 0; e < engines.size(); e++) {
                    String suffix = engines.get(e) == InferenceEngine.PYTORCH ? "" : "." + engines.get(e).id();
                    figures.add(figure("infer_ms_best." + m.descriptor().architecture() + suffix, best[e])
                            + ",batch " + bestBatch[e]);
                }
            }
        }
        figures.forEach(out::println);
    }

    /** CPU time of the whole process (all threads) in nanoseconds, or 0 where the JVM does not report it. */
    static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
    }

    /** The model named by {@code spec}: {@code arch:ARCH} for a random network, else a name or folder. */
    static NetworkModel<InfNet> open(String spec) throws IOException {
        return spec.startsWith("arch:")
                ? ModelKind.INFNET.create(ModelDescriptor.create(spec.substring(5), InfNetConfig.preset(spec.substring(5))), Device.cpu())
                : ModelLocator.open(ModelKind.INFNET, spec, Device.cpu());
    }

    /** {@code --engine onnx,pytorch}: the engines to measure, in order ({@code def} when not given). */
    static List<InferenceEngine> engines(Args a, String def) {
        try {
            return Arrays.stream(a.get("engine", def).split(",")).map(InferenceEngine::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--engine: " + e.getMessage());
        }
    }

    static int[] batches(Args a, String def) {
        return Arrays.stream(a.get("batch", def).split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** Median of the values (upper median for an even count); sorts {@code t}. */
    static double median(double[] t) {
        Arrays.sort(t);
        return t[t.length / 2];
    }

    /** A {@code figure,KEY,VALUE} line. */
    static String figure(String key, double value) {
        return String.format(Locale.ROOT, "figure,%s,%.4g", key, value);
    }

    /** Intra-op and inter-op thread counts of the engine and the thread environment variables. */
    static String threads() {
        String s = "";
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            s = "torch intra-op threads " + ai.djl.pytorch.jni.JniUtils.getNumThreads() + ", inter-op "
                    + ai.djl.pytorch.jni.JniUtils.getNumInteropThreads() + ", ";
        }
        return s + "OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + ", MKL_NUM_THREADS="
                + System.getenv("MKL_NUM_THREADS");
    }
}
