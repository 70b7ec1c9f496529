package org.infnet.train;

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
import org.infnet.eval.Summary;
import org.infnet.infer.LesionClasses;
import org.infnet.model.Engines;
import org.infnet.model.NetworkModel;
import org.infnet.model.UNetInput;
import org.infnet.nn.EngineArrays;
import org.infnet.nn.MultiClassUNet;
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
public final class MultiClassTrainer extends EpochLoop<MultiClassValidation.Result> {

    /** Columns of {@code history.csv}. */
    public static final String HEADER = "epoch,lr,loss,val_ggo_meanDic,val_consolidation_meanDic,"
            + "val_ggo_dice_argmax,val_consolidation_dice_argmax,seconds";

    private final Optimiser.Kind kind;
    private final float momentum;
    private final List<MultiClassSample> train;
    private final List<MultiClassSample> validation;
    private final int classes;

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
    public MultiClassTrainer(NetworkModel<MultiClassUNet> model, TrainConfig cfg, Optimiser.Kind kind, float momentum,
            List<MultiClassSample> train, List<MultiClassSample> validation, Path out, TrainingListener listener) {
        super(model, cfg, train.size(), validation.size(), out, listener);
        for (MultiClassSample s : train) {
            if (s.width() != cfg.trainSize() || s.height() != cfg.trainSize()) {
                throw new IllegalArgumentException("training sample " + s.name() + " is " + s.width() + "x"
                        + s.height() + ", expected " + cfg.trainSize() + "x" + cfg.trainSize());
            }
        }
        this.kind = kind;
        this.momentum = momentum;
        this.train = train;
        this.validation = validation;
        this.classes = model.descriptor().unet().classes();
    }

    private NetworkModel<MultiClassUNet> net() {
        return (NetworkModel<MultiClassUNet>) model;
    }

    /** Trains until {@code cfg.epochs()} or cancellation, resuming from {@code out/checkpoint} when it exists. */
    public void run() throws IOException {
        loop();
    }

    @Override
    protected Optimiser newOptimiser() {
        return kind == Optimiser.Kind.SGD
                ? new Sgd(model.parameters(), cfg.learningRate(), momentum, cfg.clip())
                : new Adam(model.parameters(), cfg.learningRate(), cfg.clip());
    }

    @Override
    protected int lossTerms() {
        return 1;
    }

    @Override
    protected MultiClassValidation.Result validate() {
        return MultiClassValidation.run(net(), validation, 4);
    }

    @Override
    protected double score(MultiClassValidation.Result v) {
        return v.meanOfMeanDice();
    }

    @Override
    protected String historyHeader() {
        return HEADER;
    }

    @Override
    protected void announce(String row) {
        listener.onMessage("epoch " + row);
    }

    @Override
    protected String historyRow(int epoch, float lr, double[] loss, MultiClassValidation.Result v, double seconds) {
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
    protected Map<String, Double> metrics(MultiClassValidation.Result v) {
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
    protected String recipe() {
        return String.format(Locale.ROOT,
                "%s lr %.2g%s, batch %d, clamp %.2f, size %d, scales %s, decay x%.2g every %d epochs, augmentation %s,"
                        + " seed %d; loss sigmoid + BCE against one-hot labels",
                kind == Optimiser.Kind.SGD ? "SGD" : "Adam", cfg.learningRate(),
                kind == Optimiser.Kind.SGD ? String.format(Locale.ROOT, " momentum %.2g", momentum) : "",
                cfg.batchSize(), cfg.clip(), cfg.trainSize(), java.util.Arrays.toString(cfg.scales()), cfg.decayRate(),
                cfg.decayEvery(), cfg.augment(), cfg.seed());
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
    protected double step(State st, Optimiser opt, int[] order, int step) {
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
        for (double rate : cfg.scales()) {
            int s = cfg.sideFor(rate);
            try (NDManager m = model.manager().newSubManager()) {
                NDArray x = UNetInput.encode(net().descriptor(), m, imgs, priors, side);
                NDArray y = EngineArrays.floats(m, target, new Shape(to - from, classes, side, side));
                if (s != side) {
                    x = Resize.to(x, s, s, true);
                    y = Resize.to(y, s, s, true);
                }
                float loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = net().net().forward(net().parameterStore(m), new NDList(x), true).head();
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
                st.lossSums[0] += loss;
                st.lossCount++;
                total += loss;
                opt.step();
            }
        }
        return total / cfg.scales().length;
    }
}
