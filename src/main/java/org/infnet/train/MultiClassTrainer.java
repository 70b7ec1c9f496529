package org.infnet.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.infnet.eval.Summary;
import org.infnet.infer.LesionClasses;
import org.infnet.model.Engines;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.MultiClassModel;
import org.infnet.nn.Resize;
import org.infnet.train.data.MultiClassSample;

/**
 * Training of the multi-class U-Net as the original trains it: sigmoid + binary cross-entropy of every class
 * logit map against the one-hot labels (mean over classes, pixels and the batch; computed from the logits in
 * the numerically stable form, {@link StructureLoss#bceWithLogits}), SGD with momentum (the original: 0.7, lr
 * 1e-2) or Adam, the step learning-rate schedule, optional multi-scale steps and augmentation of {@link
 * TrainConfig}, per-class validation after every epoch ({@link MultiClassValidation}) and checkpoints that
 * make a killed run resume where it stopped.
 *
 * <p>Output folder: {@code checkpoint/} (see {@link Checkpoints}; written at the end of every epoch and every
 * {@link TrainConfig#checkpointMinutes()}), {@code best/} (model folder with the best mean over lesion
 * classes of the validation meanDic), {@code last/}, and {@code history.csv} ({@link #HEADER}). Sample order
 * and augmentation depend only on seed, epoch and step.
 */
public final class MultiClassTrainer {

    /** Columns of {@code history.csv}. */
    public static final String HEADER = "epoch,lr,loss,val_ggo_meanDic,val_consolidation_meanDic,"
            + "val_ggo_dice_argmax,val_consolidation_dice_argmax,seconds";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final MultiClassModel model;
    private final TrainConfig cfg;
    private final Optimiser.Kind kind;
    private final float momentum;
    private final List<MultiClassSample> train;
    private final List<MultiClassSample> validation;
    private final Path out;
    private final TrainingListener listener;
    private final int classes;

    /** Progress persisted in {@code checkpoint/state.json}. */
    static final class State {
        int epoch;
        int step;
        long optimiserSteps;
        double bestScore = -1;
        int bestEpoch;
        double seconds;
        double lossSum;
        int lossCount;
        double epochSeconds;
    }

    /**
     * @param model the network to train (its descriptor is reused for saved models)
     * @param cfg hyper-parameters ({@code clip <= 0}: no clamp)
     * @param kind optimiser
     * @param momentum SGD momentum (ignored by Adam)
     * @param train training samples at {@code cfg.trainSize()}
     * @param validation validation samples at their native sizes (may be empty)
     * @param out output folder
     * @param listener progress and cancellation ({@link TrainingListener#onEpoch} is not called: epoch rows
     *     arrive through {@link TrainingListener#onMessage})
     */
    public MultiClassTrainer(MultiClassModel model, TrainConfig cfg, Optimiser.Kind kind, float momentum,
            List<MultiClassSample> train, List<MultiClassSample> validation, Path out, TrainingListener listener) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training samples");
        }
        for (MultiClassSample s : train) {
            if (s.width() != cfg.trainSize() || s.height() != cfg.trainSize()) {
                throw new IllegalArgumentException("training sample " + s.name() + " is " + s.width() + "x"
                        + s.height() + ", expected " + cfg.trainSize() + "x" + cfg.trainSize());
            }
        }
        this.model = model;
        this.cfg = cfg;
        this.kind = kind;
        this.momentum = momentum;
        this.train = train;
        this.validation = validation;
        this.out = out;
        this.listener = listener;
        this.classes = model.descriptor().unet().classes();
    }

    /** Trains until {@code cfg.epochs()} or cancellation, resuming from {@code out/checkpoint} when it exists. */
    public void run() throws IOException {
        Files.createDirectories(out);
        Engines.disableGradientRecording();
        Optimiser opt = kind == Optimiser.Kind.SGD
                ? new Sgd(model.parameters(), cfg.learningRate(), momentum, cfg.clip())
                : new Adam(model.parameters(), cfg.learningRate(), cfg.clip());
        State st = resume(opt);
        int steps = (train.size() + cfg.batchSize() - 1) / cfg.batchSize();
        long lastCheckpoint = System.nanoTime();
        while (st.epoch < cfg.epochs()) {
            long epochStart = System.nanoTime();
            float lr = cfg.learningRateAt(st.epoch);
            opt.setLearningRate(lr);
            int[] order = Checkpoints.order(cfg.seed(), st.epoch, train.size());
            while (st.step < steps) {
                if (listener.cancelled()) {
                    st.epochSeconds += (System.nanoTime() - epochStart) / 1e9;
                    checkpoint(st, opt);
                    listener.onMessage("cancelled; checkpoint written at epoch " + (st.epoch + 1) + " step " + st.step);
                    return;
                }
                double loss = step(st, opt, order, st.step);
                st.step++;
                listener.onStep(st.epoch, st.step, steps, loss);
                if ((System.nanoTime() - lastCheckpoint) / 60e9 > cfg.checkpointMinutes() && st.step < steps) {
                    st.epochSeconds += (System.nanoTime() - epochStart) / 1e9;
                    epochStart = System.nanoTime();
                    checkpoint(st, opt);
                    lastCheckpoint = System.nanoTime();
                    listener.onMessage("checkpoint at epoch " + (st.epoch + 1) + " step " + st.step);
                }
            }
            MultiClassValidation.Result v = validation.isEmpty() ? null : MultiClassValidation.run(model, validation, 4);
            st.epochSeconds += (System.nanoTime() - epochStart) / 1e9;
            String row = row(st.epoch + 1, lr, st.lossSum / Math.max(1, st.lossCount), v, st.epochSeconds);
            Checkpoints.appendHistory(out.resolve("history.csv"), HEADER, st.epoch + 1, row);
            st.seconds += st.epochSeconds;
            st.epoch++;
            st.step = 0;
            st.lossSum = 0;
            st.lossCount = 0;
            st.epochSeconds = 0;
            Map<String, Double> metrics = v == null ? Map.of() : metrics(v);
            model.save(out.resolve("last"), describe(st, metrics));
            if (v != null && v.meanOfMeanDice() > st.bestScore) {
                st.bestScore = v.meanOfMeanDice();
                st.bestEpoch = st.epoch;
                model.save(out.resolve("best"), describe(st, metrics));
            }
            checkpoint(st, opt);
            lastCheckpoint = System.nanoTime();
            listener.onMessage("epoch " + row);
        }
    }

    private String row(int epoch, float lr, double loss, MultiClassValidation.Result v, double seconds) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d,%.3g,%.5f", epoch, lr, loss));
        for (int c = 1; c < classes; c++) {
            b.append(String.format(Locale.ROOT, ",%.4f", v == null ? Double.NaN : v.summaries()[c].meanDic()));
        }
        for (int c = 1; c < classes; c++) {
            b.append(String.format(Locale.ROOT, ",%.4f", v == null ? Double.NaN : v.argmaxDice()[c]));
        }
        return b.append(String.format(Locale.ROOT, ",%.1f", seconds)).toString();
    }

    private Map<String, Double> metrics(MultiClassValidation.Result v) {
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

    private ModelDescriptor describe(State st, Map<String, Double> metrics) {
        Map<String, String> prov = new LinkedHashMap<>(model.descriptor().provenance());
        prov.put("epochs", Integer.toString(st.epoch));
        prov.put("trainingSlices", Integer.toString(train.size()));
        prov.put("validationSlices", Integer.toString(validation.size()));
        prov.put("recipe", String.format(Locale.ROOT,
                "%s lr %.2g%s, batch %d, clamp %.2f, size %d, scales %s, decay x%.2g every %d epochs, augmentation %s,"
                        + " seed %d; loss sigmoid + BCE against one-hot labels",
                kind == Optimiser.Kind.SGD ? "SGD" : "Adam", cfg.learningRate(),
                kind == Optimiser.Kind.SGD ? String.format(Locale.ROOT, " momentum %.2g", momentum) : "",
                cfg.batchSize(), cfg.clip(), cfg.trainSize(), java.util.Arrays.toString(cfg.scales()), cfg.decayRate(),
                cfg.decayEvery(), cfg.augment(), cfg.seed()));
        prov.put("trainingSeconds", String.format(Locale.ROOT, "%.0f", st.seconds));
        return model.descriptor().with(prov, metrics);
    }

    /** One-hot planes of the labels: {@code classes} arrays of {@code side * side} values. */
    private float[][] oneHot(byte[] labels) {
        float[][] h = new float[classes][labels.length];
        for (int i = 0; i < labels.length; i++) {
            h[labels[i]][i] = 1f;
        }
        return h;
    }

    private double step(State st, Optimiser opt, int[] order, int step) {
        int side = cfg.trainSize();
        int plane = side * side;
        int from = step * cfg.batchSize();
        int to = Math.min(order.length, from + cfg.batchSize());
        List<float[]> imgs = new ArrayList<>();
        List<float[]> priors = new ArrayList<>();
        float[] target = new float[(to - from) * classes * plane];
        for (int i = from; i < to; i++) {
            MultiClassSample s = train.get(order[i]);
            float[] im = s.image01();
            float[] pr = s.prior01();
            float[][] hot = oneHot(s.labels());
            if (cfg.augment().active()) {
                im = im.clone();
                pr = pr.clone();
                long seed = (cfg.seed() * 31 + st.epoch) * 1_000_003L + i;
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
                System.arraycopy(hot[c], 0, target, ((i - from) * classes + c) * plane, plane);
            }
        }
        double total = 0;
        ParameterStore ps = new ParameterStore(model.manager(), false);
        for (double rate : cfg.scales()) {
            int s = cfg.sideFor(rate);
            try (NDManager m = model.manager().newSubManager()) {
                NDArray x = model.encode(m, imgs, priors, side);
                NDArray y = m.create(target, new Shape(to - from, classes, side, side));
                if (s != side) {
                    x = Resize.to(x, s, s, true);
                    y = Resize.to(y, s, s, true);
                }
                float loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.net().forward(ps, new NDList(x), true).head();
                    NDArray l = StructureLoss.bceWithLogits(logits, y).mean();
                    gc.backward(l);
                    loss = l.getFloat();
                }
                if (!Float.isFinite(loss) || !opt.gradientsFinite()) {
                    opt.zeroGradients();
                    listener.onMessage("skipped a non-finite update at epoch " + (st.epoch + 1) + " step " + (step + 1)
                            + " scale " + s + " (loss " + loss + ")");
                    continue;
                }
                st.lossSum += loss;
                st.lossCount++;
                total += loss;
                opt.step();
            }
        }
        Engines.disableGradientRecording();
        return total / cfg.scales().length;
    }

    private State resume(Optimiser opt) throws IOException {
        Path ck = Checkpoints.existing(out);
        if (ck == null) {
            return new State();
        }
        State st = GSON.fromJson(Checkpoints.state(ck), State.class);
        Checkpoints.restore(ck, model, opt, st.optimiserSteps);
        listener.onMessage("resumed from " + ck + " at epoch " + (st.epoch + 1) + " step " + st.step);
        return st;
    }

    private void checkpoint(State st, Optimiser opt) throws IOException {
        st.optimiserSteps = opt.steps();
        Checkpoints.write(out, model, describe(st, Map.of()), opt, GSON.toJson(st));
    }
}
