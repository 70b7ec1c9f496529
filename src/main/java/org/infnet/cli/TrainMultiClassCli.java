package org.infnet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.infnet.model.ModelLocator;
import org.infnet.nn.UNetConfig;
import org.infnet.train.MultiClassObjective;
import org.infnet.train.Optimiser;
import org.infnet.train.TrainConfig;
import org.infnet.train.TrainingJob;

/**
 * {@code train-multiclass}: trains the multi-class U-Net (GGO / consolidation) from a folder in the
 * {@code MultiClassInfection-Train} layout. Defaults are the original's recipe (SGD momentum 0.7, lr 1e-2,
 * batch 16, 200 epochs, 352 px, sigmoid + BCE) on the compact U-Net, with priors made by the bundled
 * infection model; {@code --prior-folder} reads {@code DATA/Prior/} instead; {@code --prior-skip} makes the
 * network's outputs corrections to the prior's logit ({@link UNetConfig#priorSkip}).
 */
final class TrainMultiClassCli {

    private TrainMultiClassCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("data", "output", "arch", "prior-model", "val-count", "epochs", "batch", "lr",
                "optimizer", "momentum", "size", "decay-every", "decay-rate", "clip", "scales", "augment", "seed", "init",
                "device", "checkpoint-minutes", "name"), Set.of("prior-folder", "prior-skip"));
        if (!a.has("data")) {
            throw new Args.UsageException("--data is required");
        }
        TrainCli.checkOutputOutsideData(a.path("output"), java.util.List.of(a.get("data", null)));
        if (a.has("prior-folder") && a.has("prior-model")) {
            throw new Args.UsageException("give --prior-model or --prior-folder, not both");
        }
        Optimiser.Kind kind;
        try {
            kind = Optimiser.Kind.parse(a.get("optimizer", "sgd"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        TrainConfig cfg = TrainCli.common(a, 200, 16, 1e-2f, 0, 0).scales(TrainCli.scales(a, "1"))
                .trainSize(a.integer("size", 352)).augment(TrainCli.augmentation(a)).build();
        String arch = a.get("arch", UNetConfig.COMPACT.architecture());
        TrainingJob<?> job = TrainingJob.builder(MultiClassObjective.network(UNetConfig.preset(arch).withPriorSkip(a.has("prior-skip")),
                        a.has("prior-folder") ? null : a.get("prior-model", ModelLocator.DEFAULT), kind,
                        (float) a.number("momentum", 0.7)))
                .data(Path.of(a.get("data", null))).validationCount(a.integer("val-count", 10)).train(cfg)
                .output(a.path("output")).initFrom(a.has("init") ? Path.of(a.get("init", null)) : null)
                .device(Args.deviceName(a)).name(a.get("name", arch)).build();
        out.println(MultiClassObjective.HEADER);
        job.run(TrainCli.printing(out));
        out.println("done; output in " + a.path("output"));
        return 0;
    }
}
