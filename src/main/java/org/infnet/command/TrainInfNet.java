package org.infnet.command;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.infnet.nn.InfNetConfig;
import org.infnet.train.Augmentation;
import org.infnet.train.InfNetObjective;
import org.infnet.train.TrainConfig;
import org.infnet.train.TrainingJob;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > Inf-Net > Train Inf-Net: supervised training from folders in the Inf-Net layout
 * ({@code Imgs/}, {@code GT/}, optional {@code Edge/}). Logs one row per epoch, shows progress, and
 * stops with a checkpoint when cancelled; running it again on the same output folder resumes.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Inf-Net>Train Inf-Net", headless = true)
public class TrainInfNet implements Command {

    @Parameter(label = "Labelled slices (Inf-Net layout)", style = "directory")
    private File data;

    @Parameter(label = "More training slices (optional)", style = "directory", required = false)
    private File extra;

    @Parameter(label = "Validation folder (optional)", style = "directory", required = false)
    private File validation;

    @Parameter(label = "Hold out for validation (if no folder)", min = "0")
    private int valCount = 10;

    @Parameter(label = "or hold out this fraction (0 = use the count)", min = "0", max = "0.9", required = false)
    private double valFraction;

    @Parameter(label = "Backbone", choices = {"infnet-compact", "infnet-res2net50"})
    private String arch = "infnet-compact";

    @Parameter(label = "Epochs", min = "1")
    private int epochs = 100;

    @Parameter(label = "Batch size", min = "1")
    private int batch = 8;

    @Parameter(label = "Learning rate")
    private double lr = 1e-4;

    @Parameter(label = "Decay every (epochs)", min = "0")
    private int decayEvery = 50;

    @Parameter(label = "Scales")
    private String scales = "0.75,1,1.25";

    @Parameter(label = "Augmentation", choices = {"none", "mild"})
    private String augment = "none";

    @Parameter(label = "Output folder", style = "directory")
    private File output;

    @Parameter(label = "Start from model folder (optional)", style = "directory", required = false)
    private File init;

    @Parameter(label = "Device", choices = {"cpu", "gpu"})
    private String device = "cpu";

    @Parameter(label = "Seed")
    private int seed = 42;

    @Parameter(required = false)
    private StatusService status;

    @Parameter
    private LogService log;

    @Override
    public void run() {
        TrainConfig cfg = TrainConfig.builder().epochs(epochs).batchSize(batch).learningRate((float) lr)
                .decayEvery(decayEvery).scales(TrainConfig.parseScales(scales)).seed(seed)
                .augment(Augmentation.preset(augment)).build();
        List<java.nio.file.Path> roots = new ArrayList<>();
        roots.add(data.toPath());
        if (extra != null) {
            roots.add(extra.toPath());
        }
        int held;
        try {
            held = valFraction > 0 ? TrainingJob.heldOutCount(data.toPath(), valFraction) : valCount;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Inf-Net training: " + e.getMessage(), e);
        }
        TrainingJob<?> job = TrainingJob.builder(InfNetObjective.network(InfNetConfig.preset(arch))).data(roots)
                .validationRoot(validation == null ? null : validation.toPath()).validationCount(held).train(cfg)
                .output(output.toPath()).initFrom(init == null ? null : init.toPath()).device(device).name(arch)
                .build();
        try {
            job.run(new CommandTrainingListener(status, log, "Inf-Net training", epochs));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Inf-Net training failed: " + e.getMessage(), e);
        }
    }
}
