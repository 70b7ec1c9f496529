package org.infnet.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.infnet.io.AtomicFiles;
import org.infnet.io.SafeTensors;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.NetworkModel;

/**
 * The checkpoint and history files the trainers share. A checkpoint is the folder {@code out/checkpoint}: a
 * model folder (weights + descriptor), {@code optimizer.safetensors} ({@link Optimiser#moments()}) and
 * {@code state.json} (the trainer's progress). It is written to {@code checkpoint.tmp} and swapped in by two
 * atomic renames, so a run killed at any moment leaves a complete checkpoint ({@code checkpoint} or, between
 * the renames, {@code checkpoint.old}).
 */
final class Checkpoints {

    private static final String STATE = "state.json";
    private static final String OPTIMIZER = "optimizer.safetensors";

    private Checkpoints() {}

    /** The complete checkpoint under {@code out}, or null if there is none. */
    static Path existing(Path out) {
        Path ck = out.resolve("checkpoint");
        if (!Files.isDirectory(ck) && Files.isDirectory(out.resolve("checkpoint.old"))) {
            ck = out.resolve("checkpoint.old"); // killed between the two renames of a checkpoint
        }
        return Files.isRegularFile(ck.resolve(STATE)) ? ck : null;
    }

    /** The state JSON of checkpoint {@code ck}. */
    static String state(Path ck) throws IOException {
        return Files.readString(ck.resolve(STATE), StandardCharsets.UTF_8);
    }

    /** Loads the weights and the optimiser state ({@code steps} steps taken) of checkpoint {@code ck}. */
    static void restore(Path ck, NetworkModel<?> model, Optimiser opt, long steps) throws IOException {
        model.setWeights(SafeTensors.read(ck.resolve(model.descriptor().weights())), ck.toString());
        Map<String, float[]> moments = new LinkedHashMap<>();
        SafeTensors.read(ck.resolve(OPTIMIZER)).forEach((k, t) -> moments.put(k, t.data()));
        opt.restore(steps, moments);
    }

    /** Replaces {@code out/checkpoint} with the model (described by {@code d}), the optimiser and the state. */
    static void write(Path out, NetworkModel<?> model, ModelDescriptor d, Optimiser opt, String stateJson)
            throws IOException {
        Path tmp = out.resolve("checkpoint.tmp");
        AtomicFiles.deleteTree(tmp);
        model.save(tmp, d);
        Map<String, SafeTensors.Tensor> moments = new LinkedHashMap<>();
        opt.moments().forEach((k, a) -> moments.put(k, new SafeTensors.Tensor(a.getShape().getShape(), a.toFloatArray())));
        SafeTensors.write(tmp.resolve(OPTIMIZER), moments, Map.of());
        AtomicFiles.writeString(tmp.resolve(STATE), stateJson);
        Path ck = out.resolve("checkpoint");
        Path old = out.resolve("checkpoint.old");
        AtomicFiles.deleteTree(old);
        if (Files.exists(ck)) {
            Files.move(ck, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, ck, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.deleteTree(old);
    }

    /**
     * Appends (atomically) the row of {@code epoch} to the CSV {@code h} with header {@code header}, replacing
     * a row of the same epoch that a killed run may have written after its last checkpoint.
     */
    static void appendHistory(Path h, String header, int epoch, String row) throws IOException {
        List<String> lines = Files.exists(h) ? new ArrayList<>(Files.readAllLines(h)) : new ArrayList<>();
        if (lines.isEmpty()) {
            lines.add(header);
        }
        String prefix = epoch + ",";
        lines.removeIf(l -> l.startsWith(prefix));
        lines.add(row);
        AtomicFiles.writeString(h, String.join("\n", lines) + "\n");
    }

    /** The sample order of an epoch: a permutation of {@code 0..n-1} that depends only on seed and epoch. */
    static int[] order(long seed, int epoch, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

}
