package org.infnet.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.infnet.infer.SlicePredictor;
import org.infnet.infer.UnitSlice;
import org.infnet.model.InfNetModel;
import org.infnet.model.ModelLocator;
import org.infnet.nn.CompositeBlock;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;

/**
 * {@code bench [--model NAME|DIR ...] [--arch A ...] [--batch 1,4] [--runs 20] [--warmup 3]}: inference
 * time per 352x352 slice (median after warm-up, whole predictor path: resize, encode, network, resize
 * back), trainable values, multiply-adds, and peak RSS of the process.
 */
final class BenchCli {

    private BenchCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("model", "arch", "batch", "runs", "warmup"), Set.of());
        int[] batches = Arrays.stream(a.get("batch", "1,4").split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = a.integer("runs", 20);
        int warmup = a.integer("warmup", 3);
        out.printf(Locale.ROOT, "engine %s, %d threads available%n", Engine.getInstance().getEngineName(),
                Runtime.getRuntime().availableProcessors());
        out.println("model,trainable_values,GMACs_per_slice,batch,median_ms_per_slice,min_ms_per_slice,slices_per_s");
        List<String> specs = new ArrayList<>(a.all("model"));
        for (String arch : a.all("arch")) {
            specs.add("arch:" + arch);
        }
        if (specs.isEmpty()) {
            specs.add(ModelLocator.DEFAULT);
        }
        for (String spec : specs) {
            try (InfNetModel m = spec.startsWith("arch:")
                    ? InfNetModel.create(spec.substring(5), InfNetConfig.preset(spec.substring(5)), Device.cpu())
                    : ModelLocator.open(spec, Device.cpu())) {
                m.freeze();
                long params = m.parameters().values().stream().filter(p -> !p.getName().startsWith("running"))
                        .mapToLong(p -> p.getArray().size()).sum();
                double gmacs = CompositeBlock.countMacs(m.net(), m.manager(), InfNet.inputShape(1, 352)) / 1e9;
                SlicePredictor predictor = new SlicePredictor(m);
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
                    Arrays.sort(t);
                    double median = t[runs / 2];
                    out.printf(Locale.ROOT, "%s,%d,%.3f,%d,%.1f,%.1f,%.2f%n", m.descriptor().name(), params, gmacs, b, median,
                            t[0], 1000 / median);
                }
            }
        }
        out.printf(Locale.ROOT, "peak RSS %.0f MB%n", peakRssMb());
        return 0;
    }

    /** Peak resident set size of this process (Linux {@code VmHWM}), or NaN elsewhere. */
    static double peakRssMb() {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
