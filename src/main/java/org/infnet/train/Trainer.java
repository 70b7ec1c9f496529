package org.infnet.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.annotations.SerializedName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infnet.model.Engines;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.NetworkModel;
import org.infnet.train.data.TrainingSample;

/**
 * The one trainer: learning-rate schedule, seeded sample order and batches, one optimiser step per scale with a
 * guard against non-finite updates, cancellation, timed and end-of-epoch checkpoints, resume, validation, {@code
 * history.csv}, and the {@code last/} and {@code best/} model folders. What the network learns (optimiser,
 * targets and loss, validation metric, history columns) is its {@link Objective}.
 *
 * <p>Output folder: {@code checkpoint/} ({@link Checkpoints}; written at the end of every epoch, every {@link
 * TrainConfig#checkpointMinutes()} and on cancellation), {@code best/} (model folder of the best {@link
 * Objective#score} so far), {@code last/} (model folder of the last epoch) and {@code history.csv}. Sample order
 * and augmentation depend only on seed, epoch and step, so a resumed run sees the same data as an uninterrupted
 * one.
 *
 * @param <S> training sample
 * @param <V> validation result
 */
public final class Trainer<S extends TrainingSample<S>, V> {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final Objective<S, V> objective;
    private final NetworkModel<?> model;
    private final TrainConfig cfg;
    private final List<S> train;
    private final List<S> validation;
    private final Path out;
    private final TrainingListener listener;

    /** Progress persisted in {@code checkpoint/state.json} (older Inf-Net checkpoints used the alternate names). */
    static final class State {
        int epoch;
        int step;
        @SerializedName(value = "optimiserSteps", alternate = "adamSteps")
        long optimiserSteps;
        @SerializedName(value = "bestScore", alternate = "bestMeanDice")
        double bestScore = -1;
        double seconds;
        /** Per loss term: sum over this epoch's steps and scales. */
        double[] lossSums;
        int lossCount;
        double epochSeconds;
    }

    /**
     * @param objective what the network learns (and the network)
     * @param cfg hyper-parameters
     * @param train training samples, all {@code cfg.trainSize()} square (at least one)
     * @param validation validation samples at their native sizes (may be empty)
     * @param out output folder
     * @param listener progress and cancellation
     * @throws IllegalArgumentException without training samples or if one is not {@code cfg.trainSize()} square
     */
    public Trainer(Objective<S, V> objective, TrainConfig cfg, List<S> train, List<S> validation, Path out,
            TrainingListener listener) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training samples");
        }
        for (S s : train) {
            if (s.width() != cfg.trainSize() || s.height() != cfg.trainSize()) {
                throw new IllegalArgumentException("training sample " + s.name() + " is " + s.width() + "x"
                        + s.height() + ", expected " + cfg.trainSize() + "x" + cfg.trainSize());
            }
        }
        this.objective = objective;
        this.model = objective.model();
        this.cfg = cfg;
        this.train = train;
        this.validation = validation;
        this.out = out;
        this.listener = listener;
    }

    /**
     * Trains until {@code cfg.epochs()} or cancellation, resuming from {@code out/checkpoint} when it exists.
     *
     * @return the {@code history.csv} rows of the output folder (including those before a resume), without the
     *     header
     */
    public List<String> run() throws IOException {
        Files.createDirectories(out);
        Engines.disableGradientRecording();
        try (Optimiser opt = objective.newOptimiser(cfg)) {
            loop(opt);
        }
        Path h = out.resolve("history.csv");
        List<String> rows = new ArrayList<>();
        if (Files.exists(h)) {
            for (String l : Files.readAllLines(h)) {
                if (!l.isBlank() && !l.startsWith("epoch")) {
                    rows.add(l);
                }
            }
        }
        return rows;
    }

    /**
     * One optimiser step per scale on batch {@code step} of {@code order}: adds its loss terms to {@code
     * st.lossSums} and counts them in {@code st.lossCount}. A scale whose loss or gradients are not finite is
     * dropped (one bad batch must not poison the weights) and its slices named to the listener.
     *
     * @return the mean loss over the scales (for progress)
     */
    private double step(State st, Optimiser opt, int[] order, int step) {
        int from = step * cfg.batchSize();
        int to = Math.min(order.length, from + cfg.batchSize());
        List<S> samples = new ArrayList<>();
        long[] seeds = new long[to - from];
        for (int i = from; i < to; i++) {
            samples.add(train.get(order[i]));
            seeds[i - from] = (cfg.seed() * 31 + st.epoch) * 1_000_003L + i;
        }
        Objective.Batch batch = objective.batch(samples, seeds, cfg);
        double total = 0;
        for (double rate : cfg.scales()) {
            int s = cfg.sideFor(rate);
            float[] terms = batch.forwardBackward(s);
            float sum = 0;
            for (float t : terms) {
                sum += t;
            }
            if (!Float.isFinite(sum) || !opt.gradientsFinite()) {
                opt.zeroGradients();
                listener.onMessage("skipped a non-finite update at epoch " + (st.epoch + 1) + " step " + (step + 1)
                        + " scale " + s + " (loss " + sum + "); slices "
                        + samples.stream().map(TrainingSample::name).toList());
                continue;
            }
            for (int k = 0; k < terms.length; k++) {
                st.lossSums[k] += terms[k];
            }
            st.lossCount++;
            total += sum;
            opt.step();
        }
        return total / cfg.scales().length;
    }

    /** Runs the epochs; true if all are done, false if cancelled (after a checkpoint). */
    private boolean loop(Optimiser opt) throws IOException {
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
                    return false;
                }
                double loss = step(st, opt, order, st.step);
                Engines.disableGradientRecording();
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
            V v = validation.isEmpty() ? null : objective.validate(validation);
            st.epochSeconds += (System.nanoTime() - epochStart) / 1e9;
            double[] mean = new double[objective.lossTerms()];
            for (int k = 0; k < mean.length; k++) {
                mean[k] = st.lossSums[k] / Math.max(1, st.lossCount);
            }
            String row = objective.historyRow(st.epoch + 1, lr, mean, v, st.epochSeconds);
            Checkpoints.appendHistory(out.resolve("history.csv"), objective.historyHeader(), st.epoch + 1, row);
            st.seconds += st.epochSeconds;
            st.epoch++;
            st.step = 0;
            st.lossSums = new double[objective.lossTerms()];
            st.lossCount = 0;
            st.epochSeconds = 0;
            Map<String, Double> metrics = v == null ? Map.of() : objective.metrics(v);
            model.save(out.resolve("last"), describe(st, metrics));
            if (v != null && objective.score(v) > st.bestScore) {
                st.bestScore = objective.score(v);
                model.save(out.resolve("best"), describe(st, metrics));
            }
            checkpoint(st, opt);
            lastCheckpoint = System.nanoTime();
            objective.announce(row, listener);
        }
        return true;
    }

    private ModelDescriptor describe(State st, Map<String, Double> metrics) {
        Map<String, String> prov = new LinkedHashMap<>(model.descriptor().provenance());
        prov.put("epochs", Integer.toString(st.epoch));
        prov.put("trainingSlices", Integer.toString(train.size()));
        prov.put("validationSlices", Integer.toString(validation.size()));
        prov.put("recipe", objective.recipe(cfg));
        prov.put("trainingSeconds", String.format(java.util.Locale.ROOT, "%.0f", st.seconds));
        return model.descriptor().with(prov, metrics);
    }

    private State resume(Optimiser opt) throws IOException {
        Path ck = Checkpoints.existing(out);
        if (ck == null) {
            State st = new State();
            st.lossSums = new double[objective.lossTerms()];
            return st;
        }
        State st = GSON.fromJson(Checkpoints.state(ck), State.class);
        if (st.lossSums == null) {
            st.lossSums = new double[objective.lossTerms()]; // written before the loss sums were per term
        } else if (st.lossSums.length != objective.lossTerms()) {
            throw new IOException(ck + ": the checkpoint is not one of this trainer (" + st.lossSums.length
                    + " loss terms, expected " + objective.lossTerms() + ")");
        }
        Checkpoints.restore(ck, model, opt, st.optimiserSteps);
        listener.onMessage("resumed from " + ck + " at epoch " + (st.epoch + 1) + " step " + st.step);
        return st;
    }

    private void checkpoint(State st, Optimiser opt) throws IOException {
        st.optimiserSteps = opt.steps();
        Checkpoints.write(out, model, describe(st, Map.of()), opt, GSON.toJson(st));
    }
}
