package org.infnet.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.annotations.SerializedName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.infnet.model.Engines;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.NetworkModel;

/**
 * The epoch loop both trainers share: learning-rate schedule, seeded sample order, cancellation, timed and
 * end-of-epoch checkpoints, resume, validation, {@code history.csv}, and the {@code last/} and {@code best/}
 * model folders. A subclass supplies the optimiser, one training step, the validation and how its result is
 * written.
 *
 * <p>Output folder: {@code checkpoint/} ({@link Checkpoints}; written at the end of every epoch, every {@link
 * TrainConfig#checkpointMinutes()} and on cancellation), {@code best/} (model folder of the best {@link
 * #score} so far), {@code last/} (model folder of the last epoch) and {@code history.csv}. Sample order and
 * augmentation depend only on seed, epoch and step, so a resumed run sees the same data as an uninterrupted one.
 *
 * @param <V> the validation result
 */
abstract class EpochLoop<V> {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    protected final NetworkModel<?> model;
    protected final TrainConfig cfg;
    protected final Path out;
    protected final TrainingListener listener;
    private final int trainingSlices;
    private final int validationSlices;

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
     * @param model the network to train (its descriptor is reused for saved models)
     * @param cfg hyper-parameters
     * @param trainingSlices number of training samples (at least one)
     * @param validationSlices number of validation samples (may be 0)
     * @param out output folder
     * @param listener progress and cancellation
     */
    EpochLoop(NetworkModel<?> model, TrainConfig cfg, int trainingSlices, int validationSlices, Path out,
            TrainingListener listener) {
        if (trainingSlices < 1) {
            throw new IllegalArgumentException("no training samples");
        }
        this.model = model;
        this.cfg = cfg;
        this.trainingSlices = trainingSlices;
        this.validationSlices = validationSlices;
        this.out = out;
        this.listener = listener;
    }

    /** The optimiser over {@code model.parameters()}; closed by {@link #loop}. */
    protected abstract Optimiser newOptimiser();

    /** Number of loss terms a step adds to {@link State#lossSums}. */
    protected abstract int lossTerms();

    /**
     * One optimiser step per scale on batch {@code step} of {@code order}: adds its loss terms to {@code
     * st.lossSums} and counts them in {@code st.lossCount}.
     *
     * @return the mean loss over the scales (for progress)
     */
    protected abstract double step(State st, Optimiser opt, int[] order, int step);

    /** Validates the current weights; null without validation samples. */
    protected abstract V validate();

    /** The model-selection score of a validation result (higher is better). */
    protected abstract double score(V v);

    /** The metrics recorded in saved descriptors. */
    protected abstract Map<String, Double> metrics(V v);

    /** The header of {@code history.csv}. */
    protected abstract String historyHeader();

    /**
     * The {@code history.csv} row of a finished epoch.
     *
     * @param meanLoss per loss term, the mean over the epoch's steps and scales
     * @param v validation result or null
     */
    protected abstract String historyRow(int epoch, float lr, double[] meanLoss, V v, double seconds);

    /** Announces a finished epoch (after its checkpoint) with its history row. */
    protected abstract void announce(String row);

    /** The training recipe in words, for the descriptor's provenance. */
    protected abstract String recipe();

    /**
     * Trains until {@code cfg.epochs()} or cancellation, resuming from {@code out/checkpoint} when it exists.
     *
     * @return true if all epochs are done, false if cancelled (after a checkpoint)
     */
    protected final boolean loop() throws IOException {
        Files.createDirectories(out);
        Engines.disableGradientRecording();
        try (Optimiser opt = newOptimiser()) {
            return loop(opt);
        }
    }

    private boolean loop(Optimiser opt) throws IOException {
        State st = resume(opt);
        int steps = (trainingSlices + cfg.batchSize() - 1) / cfg.batchSize();
        long lastCheckpoint = System.nanoTime();
        while (st.epoch < cfg.epochs()) {
            long epochStart = System.nanoTime();
            float lr = cfg.learningRateAt(st.epoch);
            opt.setLearningRate(lr);
            int[] order = Checkpoints.order(cfg.seed(), st.epoch, trainingSlices);
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
            V v = validationSlices == 0 ? null : validate();
            st.epochSeconds += (System.nanoTime() - epochStart) / 1e9;
            double[] mean = new double[lossTerms()];
            for (int k = 0; k < mean.length; k++) {
                mean[k] = st.lossSums[k] / Math.max(1, st.lossCount);
            }
            String row = historyRow(st.epoch + 1, lr, mean, v, st.epochSeconds);
            Checkpoints.appendHistory(out.resolve("history.csv"), historyHeader(), st.epoch + 1, row);
            st.seconds += st.epochSeconds;
            st.epoch++;
            st.step = 0;
            st.lossSums = new double[lossTerms()];
            st.lossCount = 0;
            st.epochSeconds = 0;
            Map<String, Double> metrics = v == null ? Map.of() : metrics(v);
            model.save(out.resolve("last"), describe(st, metrics));
            if (v != null && score(v) > st.bestScore) {
                st.bestScore = score(v);
                model.save(out.resolve("best"), describe(st, metrics));
            }
            checkpoint(st, opt);
            lastCheckpoint = System.nanoTime();
            announce(row);
        }
        return true;
    }

    private ModelDescriptor describe(State st, Map<String, Double> metrics) {
        Map<String, String> prov = new LinkedHashMap<>(model.descriptor().provenance());
        prov.put("epochs", Integer.toString(st.epoch));
        prov.put("trainingSlices", Integer.toString(trainingSlices));
        prov.put("validationSlices", Integer.toString(validationSlices));
        prov.put("recipe", recipe());
        prov.put("trainingSeconds", String.format(java.util.Locale.ROOT, "%.0f", st.seconds));
        return model.descriptor().with(prov, metrics);
    }

    private State resume(Optimiser opt) throws IOException {
        Path ck = Checkpoints.existing(out);
        if (ck == null) {
            State st = new State();
            st.lossSums = new double[lossTerms()];
            return st;
        }
        State st = GSON.fromJson(Checkpoints.state(ck), State.class);
        if (st.lossSums == null) {
            st.lossSums = new double[lossTerms()]; // written before the loss sums were per term
        } else if (st.lossSums.length != lossTerms()) {
            throw new IOException(ck + ": the checkpoint is not one of this trainer (" + st.lossSums.length
                    + " loss terms, expected " + lossTerms() + ")");
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
