package org.infnet.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.infnet.eval.EvalAccumulator;
import org.infnet.eval.Metrics;
import org.infnet.eval.Summary;
import org.infnet.infer.SlicePrediction;
import org.infnet.infer.SlicePredictor;
import org.infnet.infer.UnitSlice;
import org.infnet.model.Engines;
import org.infnet.model.InputEncoder;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.Resize;
import org.infnet.train.data.InfNetDataset;
import org.infnet.train.data.Sample;

/**
 * Supervised Inf-Net training as the paper trains it: infection masks and edge maps as targets, the paper's
 * loss ({@link StructureLoss}: four weighted-IoU + BCE map terms and the edge BCE), Adam with the symmetric
 * gradient clamp, and validation with the paper's protocol (prediction resized to the label's size; see {@link
 * org.infnet.eval}) plus the Dice of the raw probability thresholded at 0.5. The model-selection score is the
 * validation meanDic; {@code history.csv} rows are {@link EpochLog}s.
 */
public final class InfNetObjective implements Objective<Sample, InfNetObjective.Scores> {

    /**
     * Validation scores.
     *
     * @param summary the paper's summary (meanDic, Sm, MAE, ...)
     * @param dice05 mean Dice over slices of {@code probability >= 0.5} (empty-vs-empty counts as 1)
     */
    public record Scores(Summary summary, double dice05) {}

    private final NetworkModel<InfNet> model;
    private final InputEncoder encoder;

    /** @param model the network to train */
    public InfNetObjective(NetworkModel<InfNet> model) {
        this.model = model;
        this.encoder = new InputEncoder(model.descriptor().normalisation());
    }

    /**
     * Inf-Net as a {@link TrainingJob} network: data roots in the Inf-Net layout ({@link InfNetDataset}), new
     * models of {@code config} (ignored when fine-tuning) whose provenance names the data roots.
     */
    public static TrainingJob.Network<NetworkModel<InfNet>, Sample> network(InfNetConfig config) {
        return new TrainingJob.Network<>() {
            @Override
            public Reader<Sample> reader(Device device, TrainingListener listener) {
                return InfNetDataset::open;
            }

            @Override
            public NetworkModel<InfNet> create(TrainingJob<Sample> job, Device device) {
                return ModelKind.INFNET.create(ModelDescriptor.create(job.name(), config)
                        .with(Map.of("trainingData", job.dataRoots().toString()), Map.of()), device);
            }

            @Override
            public NetworkModel<InfNet> load(Path folder, Device device) throws IOException {
                return ModelKind.INFNET.load(folder, device);
            }

            @Override
            public InfNetObjective objective(NetworkModel<InfNet> model) {
                return new InfNetObjective(model);
            }
        };
    }

    @Override
    public NetworkModel<InfNet> model() {
        return model;
    }

    @Override
    public Optimiser newOptimiser(TrainConfig cfg) {
        return new Adam(model.parameters(), cfg.learningRate(), cfg.clip());
    }

    @Override
    public int lossTerms() {
        return 5;
    }

    /** A batch: slices, masks and edges, {@code side x side} each. */
    private record Batch(NetworkModel<InfNet> model, InputEncoder encoder, List<float[]> imgs, List<float[]> masks,
            List<float[]> edges, int side) implements Objective.Batch {

        /** @return the loss terms map5, map4, map3, map2, edge */
        @Override
        public float[] forwardBackward(int s) {
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
    }

    @Override
    public Objective.Batch batch(List<Sample> samples, long[] augmentSeeds, TrainConfig cfg) {
        int side = cfg.trainSize();
        List<float[]> imgs = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        List<float[]> edges = new ArrayList<>();
        for (int k = 0; k < samples.size(); k++) {
            Sample s = samples.get(k);
            float[] im = s.image01();
            float[] mk = s.mask01();
            float[] ed = s.edge01();
            if (cfg.augment().active()) {
                im = im.clone();
                mk = mk.clone();
                ed = ed.clone();
                cfg.augment().apply(im, mk, ed, side, new SplittableRandom(augmentSeeds[k]));
            }
            imgs.add(im);
            masks.add(mk);
            edges.add(ed);
        }
        return new Batch(model, encoder, imgs, masks, edges, side);
    }

    @Override
    public Scores validate(List<Sample> samples) {
        return validate(model, samples, 4);
    }

    /** Scores {@code model} on {@code samples} (at their native sizes), {@code batch} slices at a time. */
    public static Scores validate(NetworkModel<InfNet> model, List<Sample> samples, int batch) {
        SlicePredictor predictor = new SlicePredictor(model);
        EvalAccumulator acc = new EvalAccumulator();
        double diceSum = 0;
        for (int i = 0; i < samples.size(); i += batch) {
            List<Sample> chunk = samples.subList(i, Math.min(samples.size(), i + batch));
            List<UnitSlice> in = new ArrayList<>();
            for (Sample s : chunk) {
                in.add(new UnitSlice(s.image01(), s.width(), s.height()));
            }
            List<SlicePrediction> out = predictor.predict(in);
            for (int k = 0; k < chunk.size(); k++) {
                Sample s = chunk.get(k);
                boolean[] gt = new boolean[s.mask01().length];
                for (int p = 0; p < gt.length; p++) {
                    gt[p] = s.mask01()[p] > 0.5f;
                }
                acc.add(out.get(k).probability(), gt, s.width(), s.height());
                diceSum += Metrics.dice(out.get(k).mask(0.5), gt);
            }
        }
        return new Scores(acc.summary(), samples.isEmpty() ? Double.NaN : diceSum / samples.size());
    }

    @Override
    public double score(Scores v) {
        return v.summary().meanDic();
    }

    @Override
    public Map<String, Double> metrics(Scores v) {
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
    public String historyHeader() {
        return EpochLog.HEADER;
    }

    @Override
    public String historyRow(int epoch, float lr, double[] l, Scores v, double seconds) {
        return new EpochLog(epoch, lr, l[0], l[1], l[2], l[3], l[4], v == null ? Double.NaN : v.summary().meanDic(),
                v == null ? Double.NaN : v.dice05(), v == null ? Double.NaN : v.summary().mae(), seconds).csv();
    }

    @Override
    public void announce(String row, TrainingListener listener) {
        listener.onEpoch(EpochLog.parse(row));
    }

    @Override
    public String recipe(TrainConfig cfg) {
        return String.format(Locale.ROOT,
                "Adam lr %.2g, batch %d, clamp %.2f, scales %s, decay x%.2g every %d epochs, augmentation %s, seed %d",
                cfg.learningRate(), cfg.batchSize(), cfg.clip(), java.util.Arrays.toString(cfg.scales()),
                cfg.decayRate(), cfg.decayEvery(), cfg.augment(), cfg.seed());
    }

    /**
     * Benchmark and test hook: one optimizer step of exactly the training path of {@link Trainer} for one scale
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
        InputEncoder encoder = new InputEncoder(model.descriptor().normalisation());
        float[] t = new Batch(model, encoder, imgs, masks, edges, side).forwardBackward(s);
        adam.step();
        Engines.disableGradientRecording();
        return t[0] + t[1] + t[2] + t[3] + t[4];
    }
}
