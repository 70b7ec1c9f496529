package org.infnet.semisup;

import ai.djl.Device;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.infnet.io.AtomicFiles;
import org.infnet.model.ModelKind;
import org.infnet.model.ModelLocator;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.train.EpochLog;
import org.infnet.train.InfNetObjective;
import org.infnet.train.TrainConfig;
import org.infnet.train.TrainingJob;
import org.infnet.train.data.InfNetDataset;

/**
 * Semi-Inf-Net's randomly selected propagation (reference section 4) as a resumable job.
 *
 * <p>The unlabelled slices are shuffled with the config's seed and cut into groups of K. Round {@code r}
 * predicts group {@code r} with the model of round {@code r - 1} (round 0: {@code init}), writes its
 * pseudo labels into {@code output} ({@link PseudoLabels}), and fine-tunes that model for E epochs on the
 * doctor labels plus every pseudo-labelled slice so far, with {@link TrainingJob} / {@link
 * org.infnet.train.InfNetObjective}. With {@link PseudoLabelConfig#finalStage()}, after the last round a
 * network of the config's backbone is trained from scratch on all pseudo labels and then fine-tuned on the
 * doctor labels: that model is Semi-Inf-Net.
 *
 * <p>Output folder: {@code Imgs/}, {@code GT/}, {@code Edge/} (the pseudo labels, reusable as training
 * data) and {@code semisup/}: {@code state.json} (written atomically after each round: the rounds done,
 * the shuffled order, the model folder of the last round), {@code init/} (the starting model), {@code
 * round-NNNN/} (the training folder of the last finished round; its {@code last/} is the current model;
 * older rounds are deleted), {@code rounds.csv} (one {@link RoundLog} row per round), and with the final
 * stage {@code final-pseudo/} and {@code final/} (whose {@code last/} is Semi-Inf-Net). A killed or
 * cancelled run started again with the same folder and config continues with the next round (a round
 * that was under way resumes from its training checkpoint), and ends with the same labels as an
 * uninterrupted run.
 *
 * @param labelled doctor-labelled slices in the Inf-Net layout
 * @param unlabelled unlabelled slices: a folder with {@code Imgs/} or a folder of images
 * @param init the model to start from: a model folder or a model name ({@link ModelLocator})
 * @param output output folder (see above); must not be an input folder
 * @param validation a labelled validation folder scored after every epoch, or null for none
 * @param config K, E, recipes, seed, round cap, final stage
 * @param device "cpu" or "gpu"
 */
public record PseudoLabelJob(Path labelled, Path unlabelled, String init, Path output, Path validation,
        PseudoLabelConfig config, String device) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** Name of the job's own folder inside the output folder. */
    public static final String WORK = "semisup";

    /**
     * How a run ended.
     *
     * @param roundsDone rounds finished so far (over all runs in this folder)
     * @param roundsPlanned rounds this config asks for
     * @param poolSize pseudo-labelled slices written so far
     * @param model the model folder of the last finished round ({@code init/} before the first)
     * @param semiInfNet the final stage's model folder, or null if it did not run to its end
     * @param cancelled true if the listener cancelled the run before its end
     */
    public record Result(int roundsDone, int roundsPlanned, int poolSize, Path model, Path semiInfNet,
            boolean cancelled) {}

    /** What {@code semisup/state.json} holds. */
    static final class State {
        int groupSize;
        long seed;
        List<String> order;
        int roundsDone;
        String model;
    }

    /** The unlabelled names (any order) shuffled with {@code seed}: a Fisher-Yates shuffle of their natural order. */
    public static List<String> shuffled(Collection<String> names, long seed) {
        List<String> out = new ArrayList<>(names);
        out.sort(InfNetDataset::compareNames);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            String t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }

    /** Consecutive groups of {@code k} of {@code order} (the last one may be smaller). */
    public static List<List<String>> groups(List<String> order, int k) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < order.size(); i += k) {
            out.add(List.copyOf(order.subList(i, Math.min(order.size(), i + k))));
        }
        return out;
    }

    /** Runs (or continues) the job until its end or cancellation. */
    public Result run(PseudoLabelListener listener) throws IOException {
        Map<String, Path> images = PseudoLabels.listImages(unlabelled);
        checkFolders(images);
        InfNetDataset.open(labelled); // fails early, naming the problem, on an inconsistent labelled folder
        Path work = output.resolve(WORK);
        Files.createDirectories(work);
        Device dev = "gpu".equalsIgnoreCase(device) ? Device.gpu() : Device.cpu();
        State st = start(work, images.keySet(), dev, listener);
        List<List<String>> groups = groups(st.order, config.groupSize());
        int planned = config.rounds(st.order.size());
        int epochs = config.epochsPerRound();
        while (st.roundsDone < planned) {
            if (listener.cancelled()) {
                return result(st, planned, work, null, true);
            }
            int r = st.roundsDone + 1;
            long t0 = System.nanoTime();
            List<String> group = groups.get(r - 1);
            listener.onMessage("round " + r + "/" + planned + ": pseudo-labelling " + group.size() + " slices with "
                    + work.resolve(st.model));
            try (NetworkModel<InfNet> m = ModelKind.INFNET.load(work.resolve(st.model), dev)) {
                PseudoLabels.write(m, group, images, output, 4);
            }
            Path roundDir = work.resolve(String.format("round-%04d", r));
            List<String> logs = job(List.of(labelled, output), config.roundTraining(r), roundDir,
                    work.resolve(st.model)).run(listener);
            if (logs.size() < epochs) {
                return result(st, planned, work, null, true);
            }
            String previous = st.model;
            st.roundsDone = r;
            st.model = roundDir.getFileName() + "/last";
            writeState(work, st);
            Path previousRound = work.resolve(previous).getParent();
            if (!previousRound.equals(work)) { // the starting model (init/) is kept
                AtomicFiles.deleteTree(previousRound);
            }
            AtomicFiles.deleteTree(roundDir.resolve("checkpoint"));
            EpochLog last = EpochLog.parse(logs.get(logs.size() - 1));
            RoundLog row = new RoundLog(r, planned, group, Math.min(r * config.groupSize(), st.order.size()),
                    last.totalLoss(), last.valMeanDice(), (System.nanoTime() - t0) / 1e9);
            appendRound(work, row);
            listener.onRound(row);
        }
        Path semi = config.finalStage() ? finalStage(work, listener) : null;
        return result(st, planned, work, semi, config.finalStage() && semi == null);
    }

    private Result result(State st, int planned, Path work, Path semi, boolean cancelled) {
        return new Result(st.roundsDone, planned, Math.min(st.roundsDone * config.groupSize(), st.order.size()),
                work.resolve(st.model), semi, cancelled);
    }

    /** Train from scratch on the pseudo labels, fine-tune on the doctor labels; null if cancelled. */
    private Path finalStage(Path work, PseudoLabelListener listener) throws IOException {
        Path pseudo = work.resolve("final-pseudo");
        listener.onMessage("final stage: training " + config.backbone().architecture() + " on the pseudo labels");
        if (run(List.of(output), config.pseudoTraining(), pseudo, null, listener) < config.pseudoTraining().epochs()) {
            return null;
        }
        Path fin = work.resolve("final");
        listener.onMessage("final stage: fine-tuning on the doctor labels");
        if (run(List.of(labelled), config.doctorFineTune(), fin, pseudo.resolve("last"), listener)
                < config.doctorFineTune().epochs()) {
            return null;
        }
        return fin.resolve("last");
    }

    private int run(List<Path> roots, TrainConfig cfg, Path out, Path from, PseudoLabelListener listener)
            throws IOException {
        return job(roots, cfg, out, from).run(listener).size();
    }

    /** The training job of a round or stage: no slices held out, {@code validation} as the validation root. */
    private TrainingJob<?> job(List<Path> roots, TrainConfig cfg, Path out, Path from) {
        return TrainingJob.builder(InfNetObjective.network(config.backbone())).data(roots).validationRoot(validation)
                .train(cfg).output(out).initFrom(from).device(device).name("semi-infnet").build();
    }

    /** Reads the state of an earlier run, or makes the initial one (shuffle, copy of the starting model). */
    private State start(Path work, Collection<String> names, Device dev, PseudoLabelListener listener)
            throws IOException {
        Path file = work.resolve("state.json");
        if (Files.isRegularFile(file)) {
            State st;
            try {
                st = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), State.class);
            } catch (JsonParseException e) {
                throw new IOException(file + ": unreadable state (" + e.getMessage() + ")", e);
            }
            if (st == null || st.order == null || st.model == null) {
                throw new IOException(file + ": incomplete state");
            }
            if (st.groupSize != config.groupSize() || st.seed != config.seed()
                    || !new HashSet<>(st.order).equals(new HashSet<>(names))) {
                throw new IOException(output + " holds a run with K=" + st.groupSize + ", seed " + st.seed + " over "
                        + st.order.size() + " unlabelled slices; this one has K=" + config.groupSize() + ", seed "
                        + config.seed() + " over " + names.size() + ": use another output folder");
            }
            listener.onMessage("resuming after round " + st.roundsDone + " (model " + work.resolve(st.model) + ")");
            return st;
        }
        State st = new State();
        st.groupSize = config.groupSize();
        st.seed = config.seed();
        st.order = shuffled(names, config.seed());
        try (NetworkModel<InfNet> m = ModelLocator.open(ModelKind.INFNET, init, dev)) {
            m.save(work.resolve("init"), m.descriptor());
        }
        st.model = "init";
        writeState(work, st);
        return st;
    }

    private void checkFolders(Map<String, Path> images) throws IOException {
        Path out = output.toAbsolutePath().normalize();
        for (Path in : new Path[] {labelled, unlabelled, images.values().iterator().next().getParent()}) {
            if (out.equals(in.toAbsolutePath().normalize())) {
                throw new IOException("output folder " + output + " is an input folder");
            }
        }
    }

    private static void writeState(Path work, State st) throws IOException {
        AtomicFiles.writeString(work.resolve("state.json"), GSON.toJson(st));
    }

    private static void appendRound(Path work, RoundLog row) throws IOException {
        Path f = work.resolve("rounds.csv");
        List<String> lines = Files.exists(f) ? new ArrayList<>(Files.readAllLines(f)) : new ArrayList<>();
        if (lines.isEmpty()) {
            lines.add(RoundLog.HEADER);
        }
        lines.removeIf(l -> l.startsWith(row.round() + ","));
        lines.add(row.csv());
        AtomicFiles.writeString(f, String.join("\n", lines) + "\n");
    }

}
