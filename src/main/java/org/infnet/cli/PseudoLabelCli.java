package org.infnet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.infnet.infer.Progress;
import org.infnet.model.ModelLocator;
import org.infnet.nn.InfNetConfig;
import org.infnet.semisup.Agreement;
import org.infnet.semisup.PseudoLabelConfig;
import org.infnet.semisup.PseudoLabelJob;
import org.infnet.semisup.PseudoLabelListener;
import org.infnet.train.TrainConfig;

/** {@code pseudo-label}: Semi-Inf-Net's randomly selected propagation, optionally scored against reference labels. */
final class PseudoLabelCli {

    private PseudoLabelCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("labelled", "unlabelled", "init", "output", "validation", "k", "epochs-per-round",
                "batch", "lr", "scales", "max-rounds", "seed", "arch", "final-epochs", "final-lr", "finetune-epochs",
                "finetune-lr", "device", "reference"), Set.of("final"));
        PseudoLabelConfig cfg = PseudoLabelConfig.builder().groupSize(a.integer("k", 5))
                .rounds(a.integer("epochs-per-round", 9), a.number("lr", 3e-4)).batchSize(a.integer("batch", 16))
                .scales(TrainConfig.parseScales(a.get("scales", "0.75,1,1.25"))).seed(a.integer("seed", 42))
                .maxRounds(a.integer("max-rounds", 0)).backbone(a.get("arch", InfNetConfig.COMPACT.architecture()))
                .finalStage(a.has("final"))
                .pseudoTraining(a.integer("final-epochs", 100), a.number("final-lr", 1e-4))
                .doctorFineTune(a.integer("finetune-epochs", 100), a.number("finetune-lr", 1e-4)).build();
        PseudoLabelJob job = new PseudoLabelJob(a.path("labelled"), a.path("unlabelled"),
                a.get("init", ModelLocator.DEFAULT), a.path("output"),
                a.has("validation") ? a.path("validation") : null, cfg, Args.deviceName(a));
        long t0 = System.nanoTime();
        PseudoLabelJob.Result r = job.run(PseudoLabelListener.reporting(new Progress() {
            private long last = System.nanoTime();

            @Override
            public void update(int done, int total, String what) {
                if (System.nanoTime() - last > 30e9 || done == total) {
                    out.println(what);
                    last = System.nanoTime();
                }
            }
        }, out::println));
        out.printf(java.util.Locale.ROOT, "%d/%d rounds done, %d pseudo-labelled slices in %s; model %s%s (%.1f s)%n",
                r.roundsDone(), r.roundsPlanned(), r.poolSize(), a.path("output"), r.model(),
                r.semiInfNet() == null ? "" : "; Semi-Inf-Net " + r.semiInfNet(), (System.nanoTime() - t0) / 1e9);
        if (a.has("reference") && r.poolSize() > 0) {
            Agreement ag = Agreement.score(a.path("output"), a.path("reference"));
            out.println(ag.formatLine());
            ag.problems().forEach(p -> out.println("warning: " + p));
        }
        return 0;
    }
}
