package org.infnet.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.infnet.infer.SlicePredictor;
import org.infnet.infer.UnitSlice;
import org.infnet.io.NativeHeap;
import org.infnet.model.InfNetModel;
import org.infnet.model.ModelLocator;
import org.infnet.nn.CompositeBlock;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;

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
final class BenchCli {

    private BenchCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("model", "arch", "batch", "runs", "warmup", "volume", "format", "rss", "steps",
                "train-batch", "scales", "keep", "streams", "pause"), Set.of("train", "gc", "trim", "maps"));
        org.infnet.engine.EngineConfig engine = org.infnet.engine.EngineSetup.ensure();
        out.printf(Locale.ROOT, "engine %s (%s), %d cores, %s%n", Engine.getInstance().getEngineName(),
                engine.label(), Runtime.getRuntime().availableProcessors(), threads());
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
        out.println("model,trainable_values,GMACs_per_slice,batch,median_ms_per_slice,min_ms_per_slice,slices_per_s");
        List<String> specs = new ArrayList<>(a.all("model"));
        for (String arch : a.all("arch")) {
            specs.add("arch:" + arch);
        }
        if (specs.isEmpty()) {
            specs.add(ModelLocator.DEFAULT);
        }
        List<String> figures = new ArrayList<>();
        for (String spec : specs) {
            try (InfNetModel m = open(spec)) {
                m.freeze();
                long params = m.parameters().values().stream().filter(p -> !p.getName().startsWith("running"))
                        .mapToLong(p -> p.getArray().size()).sum();
                double gmacs = CompositeBlock.countMacs(m.net(), m.manager(), InfNet.inputShape(1, 352)) / 1e9;
                SlicePredictor predictor = new SlicePredictor(m);
                double best = Double.MAX_VALUE;
                int bestBatch = 0;
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
                        predictor.predict(batch);
                    }
                    double[] t = new double[runs];
                    for (int i = 0; i < runs; i++) {
                        long t0 = System.nanoTime();
                        predictor.predict(batch);
                        t[i] = (System.nanoTime() - t0) / 1e6 / b;
                    }
                    double median = median(t);
                    out.printf(Locale.ROOT, "%s,%d,%.3f,%d,%.1f,%.1f,%.2f%n", m.descriptor().name(), params, gmacs, b,
                            median, Arrays.stream(t).min().orElseThrow(), 1000 / median);
                    if (b == 1) {
                        figures.add(figure("infer_ms_b1." + m.descriptor().architecture(), median));
                    }
                    if (median < best) {
                        best = median;
                        bestBatch = b;
                    }
                }
                figures.add(figure("infer_ms_best." + m.descriptor().architecture(), best) + ",batch " + bestBatch);
            }
        }
        figures.forEach(out::println);
    }

    /** The model named by {@code spec}: {@code arch:ARCH} for a random network, else a name or folder. */
    static InfNetModel open(String spec) throws IOException {
        return spec.startsWith("arch:")
                ? InfNetModel.create(spec.substring(5), InfNetConfig.preset(spec.substring(5)), Device.cpu())
                : ModelLocator.open(spec, Device.cpu());
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
