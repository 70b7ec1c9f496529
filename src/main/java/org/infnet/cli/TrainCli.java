package org.infnet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.infnet.nn.InfNetConfig;
import org.infnet.train.Augmentation;
import org.infnet.train.EpochLog;
import org.infnet.train.InfNetObjective;
import org.infnet.train.TrainConfig;
import org.infnet.train.TrainingJob;
import org.infnet.train.TrainingListener;

/** {@code train}: supervised training from Inf-Net-layout folders. */
final class TrainCli {

    private TrainCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("data", "output", "arch", "validation", "val-count", "val-fraction", "epochs", "batch", "lr",
                "decay-every", "decay-rate", "clip", "scales", "augment", "seed", "repeat-first", "init", "device",
                "checkpoint-minutes", "name"), Set.of());
        if (a.all("data").isEmpty()) {
            throw new Args.UsageException("--data is required");
        }
        checkOutputOutsideData(a.path("output"), a.all("data"));
        if (a.has("validation")) {
            checkOutputOutsideData(a.path("output"), List.of(a.get("validation", null)));
        }
        TrainConfig p = TrainConfig.paper();
        double[] scales = scales(a, "0.75,1,1.25");
        Augmentation aug = augmentation(a);
        TrainConfig cfg = common(a, p.epochs(), p.batchSize(), p.learningRate(), p.decayEvery(), p.clip())
                .scales(scales).augment(aug).build();
        String arch = a.get("arch", InfNetConfig.COMPACT.architecture());
        TrainingJob<?> job = TrainingJob.builder(InfNetObjective.network(InfNetConfig.preset(arch)))
                .data(a.all("data").stream().map(Path::of).toList())
                .validationRoot(a.has("validation") ? Path.of(a.get("validation", null)) : null)
                .validationCount(a.has("val-fraction")
                        ? TrainingJob.heldOutCount(Path.of(a.all("data").get(0)), Double.parseDouble(a.get("val-fraction", null)))
                        : a.integer("val-count", 10))
                .firstRootRepeat(a.integer("repeat-first", 1)).train(cfg).output(a.path("output"))
                .initFrom(a.has("init") ? Path.of(a.get("init", null)) : null).device(Args.deviceName(a))
                .name(a.get("name", arch)).build();
        List<String> logs = job.run(printing(out));
        out.println("trained " + logs.size() + " epochs; output in " + a.path("output"));
        return 0;
    }

    /**
     * Refuses an output folder that is a data folder or inside one: the run's model, checkpoints and logs would be
     * written among the training data (and a later run could take them for data).
     */
    static void checkOutputOutsideData(Path output, List<String> data) throws java.io.IOException {
        Path out = real(output);
        for (String d : data) {
            Path dir = real(Path.of(d));
            if (out.startsWith(dir)) {
                throw new Args.UsageException("--output " + output + " is " + (out.equals(dir) ? "" : "inside ")
                        + "the data folder " + d + ": training writes its model, checkpoints and logs there;"
                        + " choose a folder outside the data");
            }
        }
    }

    /** The absolute path with the links of its existing part resolved. */
    private static Path real(Path p) throws java.io.IOException {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
    }

    /**
     * The options both training commands share ({@code --epochs --batch --lr --decay-every --decay-rate --clip
     * --seed --checkpoint-minutes}), with these defaults (decay rate 0.1, seed 42, a checkpoint every 15 minutes).
     */
    static TrainConfig.Builder common(Args a, int epochs, int batch, float lr, int decayEvery, float clip) {
        return TrainConfig.builder().epochs(a.integer("epochs", epochs)).batchSize(a.integer("batch", batch))
                .learningRate((float) a.number("lr", lr)).decayEvery(a.integer("decay-every", decayEvery))
                .decayRate((float) a.number("decay-rate", 0.1)).clip((float) a.number("clip", clip))
                .seed(a.integer("seed", 42)).checkpointMinutes(a.number("checkpoint-minutes", 15));
    }

    /** {@code --scales} as numbers. */
    static double[] scales(Args a, String fallback) {
        return TrainConfig.parseScales(a.get("scales", fallback));
    }

    /** {@code --augment none|mild}. */
    static Augmentation augmentation(Args a) throws Args.UsageException {
        try {
            return Augmentation.preset(a.get("augment", "none"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--augment must be none or mild");
        }
    }

    /** A listener printing steps (at most every 30 s and at each epoch's end), epoch rows and messages. */
    static TrainingListener printing(PrintStream out) {
        return new TrainingListener() {
            private long last = System.nanoTime();

            @Override
            public void onStep(int epoch, int step, int steps, double loss) {
                if (System.nanoTime() - last > 30e9 || step == steps) {
                    out.printf("epoch %d step %d/%d loss %.4f%n", epoch + 1, step, steps, loss);
                    last = System.nanoTime();
                }
            }

            @Override
            public void onEpoch(EpochLog log) {
                out.println(EpochLog.HEADER);
                out.println(log.csv());
            }

            @Override
            public void onMessage(String message) {
                out.println(message);
            }
        };
    }
}
