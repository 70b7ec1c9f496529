package org.infnet.bench;

import ai.djl.Device;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.infnet.cli.Args;
import org.infnet.image.HuWindow;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomSlice;
import org.infnet.phantom.PhantomVolume;
import org.infnet.train.Adam;
import org.infnet.train.InfNetObjective;
import org.infnet.train.TrainConfig;
import org.infnet.train.data.EdgeMaps;
import org.infnet.train.data.Sample;

/**
 * {@code bench --train [--arch A ...] [--train-batch 4] [--steps 4] [--warmup 1] [--scales 0.75,1,1.25]}:
 * training images per second per scale, for randomly initialised networks of each architecture (default both
 * presets), through {@link InfNetObjective#benchmarkStep} (the trainer's own step: encode, resize, forward, the
 * paper's loss, backward, clamped Adam). Sides are the trainer's, {@link TrainConfig#sideFor} of 352 (0.75,
 * 1, 1.25 give 256, 352, 448, as the original). A batch of phantom slices with their infection masks and
 * edge maps; {@code warmup} untimed steps per scale, then the median of {@code steps} timed steps.
 */
final class TrainBench {

    private TrainBench() {}

    static void run(Args a, PrintStream out) throws Exception {
        List<String> archs = a.all("arch").isEmpty()
                ? List.of(InfNetConfig.COMPACT.architecture(), InfNetConfig.PAPER.architecture()) : a.all("arch");
        int batch = a.integer("train-batch", 4);
        int steps = a.integer("steps", 4);
        int warmup = a.integer("warmup", 1);
        double[] rates = Arrays.stream(a.get("scales", "0.75,1,1.25").split(",")).mapToDouble(Double::parseDouble)
                .toArray();
        TrainConfig base = TrainConfig.paper();
        List<Sample> samples = samples(batch, base.trainSize());
        out.println("arch,side,batch,median_s_per_step,min_s_per_step,images_per_s,loss_first,loss_last");
        List<String> figures = new ArrayList<>();
        for (String arch : archs) {
            try (NetworkModel<InfNet> model = ModelKind.INFNET.create(ModelDescriptor.create(arch, InfNetConfig.preset(arch)), Device.cpu());
                    Adam adam = new Adam(model.parameters(), base.learningRate(), base.clip())) {
                double iteration = 0;
                for (double rate : rates) {
                    int s = base.sideFor(rate);
                    double first = Double.NaN;
                    for (int i = 0; i < warmup; i++) {
                        first = InfNetObjective.benchmarkStep(model, adam, samples, base.trainSize(), s);
                    }
                    double[] t = new double[steps];
                    double loss = Double.NaN;
                    for (int i = 0; i < steps; i++) {
                        long t0 = System.nanoTime();
                        loss = InfNetObjective.benchmarkStep(model, adam, samples, base.trainSize(), s);
                        t[i] = (System.nanoTime() - t0) / 1e9;
                        if (Double.isNaN(first)) {
                            first = loss;
                        }
                    }
                    double median = BenchCli.median(t);
                    iteration += median;
                    out.printf(Locale.ROOT, "%s,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f%n", arch, s, batch, median, t[0],
                            batch / median, first, loss);
                    figures.add(BenchCli.figure("train_img_per_s." + arch + "." + s, batch / median));
                }
                out.printf(Locale.ROOT, "%s: one multi-scale iteration (%d steps) of batch %d: %.2f s = %.3f source images/s%n",
                        arch, rates.length, batch, iteration, batch / iteration);
                figures.add(BenchCli.figure("train_img_per_s." + arch + ".multiscale", batch / iteration));
            }
        }
        figures.forEach(out::println);
    }

    /** {@code n} phantom slices at {@code side}: lung-window image, infection mask, edge map. */
    static List<Sample> samples(int n, int side) {
        PhantomVolume v = new PhantomGenerator(3).volume(PhantomGenerator.Params.defaults().withSize(side)
                .withLesionCount(8), n, 5.0);
        List<Sample> out = new ArrayList<>();
        for (int z = 0; z < n; z++) {
            PhantomSlice s = v.slice(z);
            float[] mask = new float[side * side];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = s.infection()[i] != 0 ? 1f : 0f;
            }
            out.add(new Sample("phantom" + z, side, side, HuWindow.LUNG.apply(s.hu()), mask,
                    EdgeMaps.fromMask(mask, side, side)));
        }
        return out;
    }
}
