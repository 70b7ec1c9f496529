package org.infnet.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.infnet.model.Engines;
import org.infnet.model.InputEncoder;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.Resize;
import org.infnet.train.data.Sample;

/**
 * Supervised Inf-Net training with the paper's loss, multi-scale steps, Adam and symmetric gradient
 * clamp, step learning-rate decay, validation after every epoch, and checkpoints that make a killed
 * run resume where it stopped.
 *
 * <p>Output folder layout as {@link EpochLoop}: {@code checkpoint/}, {@code best/} (best validation meanDice),
 * {@code last/} and {@code history.csv} (one {@link EpochLog} row per epoch).
 */
public final class InfNetTrainer extends EpochLoop<Validation.Result> {

    private final List<Sample> train;
    private final List<Sample> validation;
    private final InputEncoder encoder;

    /**
     * @param model the network to train (its descriptor is reused for saved models)
     * @param cfg hyper-parameters
     * @param train training samples at {@code cfg.trainSize()} (see {@link Sample#resizedTo})
     * @param validation validation samples at their native sizes (may be empty)
     * @param out output folder
     * @param listener progress and cancellation
     */
    public InfNetTrainer(NetworkModel<InfNet> model, TrainConfig cfg, List<Sample> train, List<Sample> validation, Path out,
            TrainingListener listener) {
        super(model, cfg, train.size(), validation.size(), out, listener);
        for (Sample s : train) {
            if (s.width() != cfg.trainSize() || s.height() != cfg.trainSize()) {
                throw new IllegalArgumentException("training sample " + s.name() + " is " + s.width() + "x" + s.height()
                        + ", expected " + cfg.trainSize() + "x" + cfg.trainSize());
            }
        }
        this.train = train;
        this.validation = validation;
        this.encoder = new InputEncoder(model.descriptor().normalisation());
    }

    private NetworkModel<InfNet> net() {
        return (NetworkModel<InfNet>) model;
    }

    /**
     * Trains until {@code cfg.epochs()} or cancellation, resuming from {@code out/checkpoint} when it
     * exists.
     *
     * @return the history rows of this run (including those before a resume)
     */
    public List<EpochLog> run() throws IOException {
        loop();
        return history();
    }

    @Override
    protected Optimiser newOptimiser() {
        return new Adam(model.parameters(), cfg.learningRate(), cfg.clip());
    }

    @Override
    protected int lossTerms() {
        return 5;
    }

    @Override
    protected Validation.Result validate() {
        return Validation.run(net(), validation, 4);
    }

    @Override
    protected double score(Validation.Result v) {
        return v.summary().meanDic();
    }

    @Override
    protected String historyHeader() {
        return EpochLog.HEADER;
    }

    @Override
    protected String historyRow(int epoch, float lr, double[] l, Validation.Result v, double seconds) {
        return new EpochLog(epoch, lr, l[0], l[1], l[2], l[3], l[4], v == null ? Double.NaN : v.summary().meanDic(),
                v == null ? Double.NaN : v.dice05(), v == null ? Double.NaN : v.summary().mae(), seconds).csv();
    }

    @Override
    protected void announce(String row) {
        listener.onEpoch(EpochLog.parse(row));
    }

    @Override
    protected Map<String, Double> metrics(Validation.Result v) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("meanDic", v.summary().meanDic());
        m.put("meanSen", v.summary().meanSen());
        m.put("meanSpe", v.summary().meanSpe());
        m.put("Sm", v.summary().sm());
        m.put("meanEm", v.summary().meanEm());
        m.put("MAE", v.summary().mae());
        m.put("maxDic", v.summary().maxDic());
        m.put("dice@0.5", v.dice05());
        return m;
    }

    @Override
    protected String recipe() {
        return String.format(java.util.Locale.ROOT,
                "Adam lr %.2g, batch %d, clamp %.2f, scales %s, decay x%.2g every %d epochs, augmentation %s, seed %d",
                cfg.learningRate(), cfg.batchSize(), cfg.clip(), java.util.Arrays.toString(cfg.scales()),
                cfg.decayRate(), cfg.decayEvery(), cfg.augment(), cfg.seed());
    }

    @Override
    protected double step(State st, Optimiser adam, int[] order, int step) {
        int side = cfg.trainSize();
        int from = step * cfg.batchSize();
        int to = Math.min(order.length, from + cfg.batchSize());
        List<float[]> imgs = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        List<float[]> edges = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Sample s = train.get(order[i]);
            float[] im = s.image01();
            float[] mk = s.mask01();
            float[] ed = s.edge01();
            if (cfg.augment().active()) {
                im = im.clone();
                mk = mk.clone();
                ed = ed.clone();
                SplittableRandom r = new SplittableRandom((cfg.seed() * 31 + st.epoch) * 1_000_003L + i);
                cfg.augment().apply(im, mk, ed, side, r);
            }
            imgs.add(im);
            masks.add(mk);
            edges.add(ed);
        }
        double total = 0;
        for (double rate : cfg.scales()) {
            int s = cfg.sideFor(rate);
            float[] terms = forwardBackward(net(), encoder, imgs, masks, edges, side, s);
            float sum = terms[0] + terms[1] + terms[2] + terms[3] + terms[4];
            if (!Float.isFinite(sum) || !adam.gradientsFinite()) {
                // one bad batch must not poison the weights: drop its update and say which slices it held
                adam.zeroGradients();
                List<String> names = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    names.add(train.get(order[i]).name());
                }
                listener.onMessage("skipped a non-finite update at epoch " + (st.epoch + 1) + " step " + (step + 1)
                        + " scale " + s + " (loss " + sum + "); slices " + names);
                continue;
            }
            for (int k = 0; k < 5; k++) {
                st.lossSums[k] += terms[k];
            }
            st.lossCount++;
            total += sum;
            adam.step();
        }
        return total / cfg.scales().length;
    }

    /**
     * Forward pass, loss and backward pass of one batch ({@code side x side} slices, resized to {@code s} when
     * different, bilinear align_corners=True as the original): gradients accumulate in the parameters; every
     * array of the pass is freed before returning.
     *
     * @return the loss terms map5, map4, map3, map2, edge
     */
    private static float[] forwardBackward(NetworkModel<InfNet> model, InputEncoder encoder,
            List<float[]> imgs, List<float[]> masks, List<float[]> edges, int side, int s) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = encoder.encode(m, imgs, side);
            NDArray gt = InputEncoder.stack(m, masks, side);
            NDArray eg = InputEncoder.stack(m, edges, side);
            if (s != side) {
                x = Resize.to(x, s, s, true);
                gt = Resize.to(gt, s, s, true);
                eg = Resize.to(eg, s, s, true);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList outputs = model.net().forward(model.parameterStore(m), new NDList(x), true);
                StructureLoss.Terms t = StructureLoss.of(outputs, gt, eg);
                gc.backward(t.total());
                return new float[] {t.map5().getFloat(), t.map4().getFloat(), t.map3().getFloat(),
                    t.map2().getFloat(), t.edge().getFloat()};
            }
        }
    }

    /**
     * Benchmark and test hook: one optimizer step of exactly the training path of {@link #run} for one scale
     * (encode, resize to {@code s}, forward, the paper's loss, backward, Adam with the clamp), without
     * augmentation, checkpoints or the non-finite guard.
     *
     * @param model the network being trained
     * @param adam its optimizer (over {@code model.parameters()})
     * @param batch samples, all {@code side x side}
     * @param side the samples' side (the training base size)
     * @param s the side the batch is resized to (a scale of {@code side})
     * @return the total loss of the step
     */
    public static double benchmarkStep(NetworkModel<InfNet> model, Adam adam, List<Sample> batch, int side, int s) {
        List<float[]> imgs = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        List<float[]> edges = new ArrayList<>();
        for (Sample x : batch) {
            if (x.width() != side || x.height() != side) {
                throw new IllegalArgumentException("sample " + x.name() + " is not " + side + "x" + side);
            }
            imgs.add(x.image01());
            masks.add(x.mask01());
            edges.add(x.edge01());
        }
        float[] t = forwardBackward(model, new InputEncoder(model.descriptor().normalisation()), imgs, masks, edges,
                side, s);
        adam.step();
        Engines.disableGradientRecording();
        return t[0] + t[1] + t[2] + t[3] + t[4];
    }

    private List<EpochLog> history() throws IOException {
        Path h = out.resolve("history.csv");
        List<EpochLog> logs = new ArrayList<>();
        if (!Files.exists(h)) {
            return logs;
        }
        for (String l : Files.readAllLines(h)) {
            if (l.isBlank() || l.startsWith("epoch")) {
                continue;
            }
            logs.add(EpochLog.parse(l));
        }
        return logs;
    }
}
