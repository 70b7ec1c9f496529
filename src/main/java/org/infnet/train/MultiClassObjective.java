package org.infnet.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import org.infnet.infer.InfectionPrior;
import org.infnet.infer.LesionClasses;
import org.infnet.infer.MultiClassPredictor;
import org.infnet.infer.UnitSlice;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.ModelLocator;
import org.infnet.model.NetworkModel;
import org.infnet.model.PriorSource;
import org.infnet.model.UNetInput;
import org.infnet.nn.EngineArrays;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.Resize;
import org.infnet.nn.UNetConfig;
import org.infnet.train.data.MultiClassDataset;
import org.infnet.train.data.MultiClassSample;
import org.infnet.train.data.TrainingSet;

/**
 * Training of the multi-class U-Net as the original trains it: sigmoid + binary cross-entropy of every class
 * logit map against the one-hot labels (mean over classes, pixels and the batch; computed from the logits in the
 * numerically stable form, {@link StructureLoss#bceWithLogits}), SGD with momentum (the original: 0.7, lr 1e-2)
 * or Adam, and per-class validation with the paper's protocol: for each lesion class {@code c} (1 ..
 * classes-1), the class probability map against the binary ground truth {@code label == c} (see {@link
 * org.infnet.eval}; the same as {@code evaluate --class c} on written probability maps), plus the Dice of the
 * argmax label image's class {@code c} (empty-vs-empty counts as 1). The model-selection score is the mean over
 * lesion classes of the validation meanDic; {@code history.csv} columns are {@link #HEADER}, and epoch rows
 * reach the listener through {@link TrainingListener#onMessage} ({@link TrainingListener#onEpoch} is not called).
 */
public final class MultiClassObjective implements Objective<MultiClassSample, MultiClassObjective.Scores> {

    /** Columns of {@code history.csv}. */
    public static final String HEADER = "epoch,lr,loss,val_ggo_meanDic,val_consolidation_meanDic,"
            + "val_ggo_dice_argmax,val_consolidation_dice_argmax,seconds";

    /**
     * Validation scores, indexed by class (index 0, the background, is not scored and is null / NaN).
     *
     * @param summaries the paper's summary of each class's probability map
     * @param argmaxDice mean over slices of the Dice of {@code argmax == c} against {@code label == c}
     */
    public record Scores(Summary[] summaries, double[] argmaxDice) {

        /** Mean of the lesion classes' meanDic (the model-selection score). */
        public double meanOfMeanDice() {
            double s = 0;
            for (int c = 1; c < summaries.length; c++) {
                s += summaries[c].meanDic();
            }
            return s / (summaries.length - 1);
        }
    }

    private final NetworkModel<MultiClassUNet> model;
    private final Optimiser.Kind kind;
    private final float momentum;
    private final int classes;

    /**
     * @param model the network to train
     * @param kind optimiser ({@code clip <= 0} in the configuration: no clamp)
     * @param momentum SGD momentum (ignored by Adam)
     */
    public MultiClassObjective(NetworkModel<MultiClassUNet> model, Optimiser.Kind kind, float momentum) {
        this.model = model;
        this.kind = kind;
        this.momentum = momentum;
        this.classes = model.descriptor().unet().classes();
    }

    /**
     * The multi-class U-Net as a {@link TrainingJob} network: data roots in the {@code MultiClassInfection-Train}
     * layout ({@link MultiClassDataset}, labels {@code 0 .. config.classes()-1}) with the infection prior of
     * every slice, training and validation alike, made by an infection model or read from {@code ROOT/Prior/};
     * new models of {@code config} (ignored when fine-tuning) at the training size.
     *
     * @param config U-Net architecture
     * @param priorModel the infection model (name or folder, see {@link ModelLocator#open}) that makes the
     *     priors; {@code null} to read {@code ROOT/Prior/} instead (see {@link PriorSource#folder})
     * @param kind optimiser
     * @param momentum SGD momentum
     */
    public static TrainingJob.Network<NetworkModel<MultiClassUNet>, MultiClassSample> network(UNetConfig config,
            String priorModel, Optimiser.Kind kind, float momentum) {
        return new TrainingJob.Network<>() {
            @Override
            public Reader<MultiClassSample> reader(Device device, TrainingListener listener) throws IOException {
                if (priorModel == null) {
                    return root -> MultiClassDataset.open(root, config.classes())
                            .withPriors(PriorSource.folder(root.resolve("Prior")));
                }
                long t0 = System.nanoTime();
                NetworkModel<InfNet> inf = ModelLocator.open(ModelKind.INFNET, priorModel, device);
                inf.freeze();
                InfectionPrior priors = new InfectionPrior(inf);
                return new Reader<>() {
                    @Override
                    public TrainingSet<MultiClassSample> open(Path root) throws IOException {
                        return MultiClassDataset.open(root, config.classes()).withPriors(priors);
                    }

                    @Override
                    public void close() {
                        inf.close();
                        listener.onMessage(String.format(Locale.ROOT, "priors from %s in %.1f s", priorModel,
                                (System.nanoTime() - t0) / 1e9));
                    }
                };
            }

            @Override
            public NetworkModel<MultiClassUNet> create(TrainingJob<MultiClassSample> job, Device device) {
                List<Path> roots = job.dataRoots();
                Map<String, String> prov = new LinkedHashMap<>();
                prov.put("trainingData", roots.size() == 1 ? roots.get(0).toString() : roots.toString());
                prov.put("prior", priorModel == null ? "image folder " + roots.get(0).resolve("Prior")
                        : "infection model " + priorModel + " (raw sigmoid probability)");
                return ModelKind.UNET.create(ModelDescriptor.create(job.name(), config)
                        .withInputSize(job.train().trainSize()).with(prov, Map.of()), device);
            }

            @Override
            public NetworkModel<MultiClassUNet> load(Path folder, Device device) throws IOException {
                return ModelKind.UNET.load(folder, device);
            }

            @Override
            public MultiClassObjective objective(NetworkModel<MultiClassUNet> model) {
                return new MultiClassObjective(model, kind, momentum);
            }
        };
    }

    @Override
    public NetworkModel<MultiClassUNet> model() {
        return model;
    }

    @Override
    public Optimiser newOptimiser(TrainConfig cfg) {
        return kind == Optimiser.Kind.SGD
                ? new Sgd(model.parameters(), cfg.learningRate(), momentum, cfg.clip())
                : new Adam(model.parameters(), cfg.learningRate(), cfg.clip());
    }

    @Override
    public int lossTerms() {
        return 1;
    }

    /** One-hot planes of the labels: {@code classes} arrays of {@code side * side} values. */
    private float[][] oneHot(byte[] labels) {
        float[][] h = new float[classes][labels.length];
        for (int i = 0; i < labels.length; i++) {
            h[labels[i]][i] = 1f;
        }
        return h;
    }

    @Override
    public Objective.Batch batch(List<MultiClassSample> samples, long[] augmentSeeds, TrainConfig cfg) {
        int side = cfg.trainSize();
        int plane = side * side;
        List<float[]> imgs = new ArrayList<>();
        List<float[]> priors = new ArrayList<>();
        float[] target = new float[samples.size() * classes * plane];
        for (int k = 0; k < samples.size(); k++) {
            MultiClassSample s = samples.get(k);
            float[] im = s.image01();
            float[] pr = s.prior01();
            float[][] hot = oneHot(s.labels());
            if (cfg.augment().active()) {
                im = im.clone();
                pr = pr.clone();
                long seed = augmentSeeds[k];
                // two draws from equal generators give the same geometry; the second call's image is a throwaway
                cfg.augment().apply(im, pr, hot[0], side, new SplittableRandom(seed));
                for (int c = 1; c < classes; c += 2) {
                    float[] second = c + 1 < classes ? hot[c + 1] : new float[plane];
                    cfg.augment().apply(new float[plane], hot[c], second, side, new SplittableRandom(seed));
                }
            }
            imgs.add(im);
            priors.add(pr);
            for (int c = 0; c < classes; c++) {
                System.arraycopy(hot[c], 0, target, (k * classes + c) * plane, plane);
            }
        }
        int n = samples.size();
        return s -> {
            try (NDManager m = model.manager().newSubManager()) {
                NDArray x = UNetInput.encode(model.descriptor(), m, imgs, priors, side);
                NDArray y = EngineArrays.floats(m, target, new Shape(n, classes, side, side));
                if (s != side) {
                    x = Resize.to(x, s, s, true);
                    y = Resize.to(y, s, s, true);
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = UNetInput.withPriorSkip(model.descriptor(), m,
                            model.net().forward(model.parameterStore(m), new NDList(x), true).head(), x);
                    NDArray l = StructureLoss.bceWithLogits(logits, y).mean();
                    gc.backward(l);
                    return new float[] {l.getFloat()};
                }
            }
        };
    }

    @Override
    public Scores validate(List<MultiClassSample> samples) {
        return validate(model, samples, 4);
    }

    /** Scores {@code model} on {@code samples} (native sizes, priors included), {@code batch} slices at a time. */
    public static Scores validate(NetworkModel<MultiClassUNet> model, List<MultiClassSample> samples, int batch) {
        int classes = model.descriptor().unet().classes();
        MultiClassPredictor predictor = new MultiClassPredictor(model);
        EvalAccumulator[] acc = new EvalAccumulator[classes];
        double[] dice = new double[classes];
        for (int c = 1; c < classes; c++) {
            acc[c] = new EvalAccumulator();
        }
        for (int i = 0; i < samples.size(); i += batch) {
            List<MultiClassSample> chunk = samples.subList(i, Math.min(samples.size(), i + batch));
            List<UnitSlice> in = new ArrayList<>();
            List<float[]> priors = new ArrayList<>();
            for (MultiClassSample s : chunk) {
                in.add(new UnitSlice(s.image01(), s.width(), s.height()));
                priors.add(s.prior01());
            }
            List<float[][]> out = predictor.predict(in, priors);
            for (int k = 0; k < chunk.size(); k++) {
                MultiClassSample s = chunk.get(k);
                byte[] label = MultiClassPredictor.argmax(out.get(k));
                for (int c = 1; c < classes; c++) {
                    boolean[] gt = s.classMask(c);
                    acc[c].add(out.get(k)[c], gt, s.width(), s.height());
                    boolean[] pred = new boolean[label.length];
                    for (int p = 0; p < pred.length; p++) {
                        pred[p] = label[p] == c;
                    }
                    dice[c] += Metrics.dice(pred, gt);
                }
            }
        }
        Summary[] sums = new Summary[classes];
        dice[0] = Double.NaN;
        for (int c = 1; c < classes; c++) {
            sums[c] = acc[c].summary();
            dice[c] = samples.isEmpty() ? Double.NaN : dice[c] / samples.size();
        }
        return new Scores(sums, dice);
    }

    @Override
    public double score(Scores v) {
        return v.meanOfMeanDice();
    }

    @Override
    public Map<String, Double> metrics(Scores v) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int c = 1; c < classes; c++) {
            String n = c < LesionClasses.COUNT ? LesionClasses.name(c) : "class" + c;
            Summary s = v.summaries()[c];
            m.put(n + ".meanDic", s.meanDic());
            m.put(n + ".meanSen", s.meanSen());
            m.put(n + ".meanSpe", s.meanSpe());
            m.put(n + ".Sm", s.sm());
            m.put(n + ".meanEm", s.meanEm());
            m.put(n + ".MAE", s.mae());
            m.put(n + ".dice@argmax", v.argmaxDice()[c]);
        }
        return m;
    }

    @Override
    public String historyHeader() {
        return HEADER;
    }

    @Override
    public String historyRow(int epoch, float lr, double[] loss, Scores v, double seconds) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d,%.3g,%.5f", epoch, lr, loss[0]));
        for (int c = 1; c < classes; c++) {
            b.append(String.format(Locale.ROOT, ",%.4f", v == null ? Double.NaN : v.summaries()[c].meanDic()));
        }
        for (int c = 1; c < classes; c++) {
            b.append(String.format(Locale.ROOT, ",%.4f", v == null ? Double.NaN : v.argmaxDice()[c]));
        }
        return b.append(String.format(Locale.ROOT, ",%.1f", seconds)).toString();
    }

    @Override
    public void announce(String row, TrainingListener listener) {
        listener.onMessage("epoch " + row);
    }

    @Override
    public String recipe(TrainConfig cfg) {
        return String.format(Locale.ROOT,
                "%s lr %.2g%s, batch %d, clamp %.2f, size %d, scales %s, decay x%.2g every %d epochs, augmentation %s,"
                        + " seed %d; loss sigmoid + BCE against one-hot labels",
                kind == Optimiser.Kind.SGD ? "SGD" : "Adam", cfg.learningRate(),
                kind == Optimiser.Kind.SGD ? String.format(Locale.ROOT, " momentum %.2g", momentum) : "",
                cfg.batchSize(), cfg.clip(), cfg.trainSize(), java.util.Arrays.toString(cfg.scales()), cfg.decayRate(),
                cfg.decayEvery(), cfg.augment(), cfg.seed());
    }
}
