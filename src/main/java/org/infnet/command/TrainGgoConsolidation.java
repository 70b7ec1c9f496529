package org.infnet.command;

import java.io.File;
import java.io.IOException;
import org.infnet.model.ModelLocator;
import org.infnet.nn.UNetConfig;
import org.infnet.train.Augmentation;
import org.infnet.train.MultiClassObjective;
import org.infnet.train.Optimiser;
import org.infnet.train.TrainConfig;
import org.infnet.train.TrainingJob;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > Inf-Net > Train GGO and Consolidation: trains the multi-class U-Net (paper section 5) from a folder in
 * the {@code MultiClassInfection-Train} layout ({@code Imgs/}, {@code GT/} with 0 background, 1 GGO, 2
 * consolidation, optional {@code Prior/}), with the infection priors made by an infection model (default: the
 * bundled one) or read from {@code Prior/}. Defaults are the original's recipe (SGD momentum 0.7, lr 1e-2,
 * batch 16, 200 epochs, 352 px) on the compact U-Net. Same progress, cancel and resume as Train Inf-Net
 * ({@link TrainingJob}, {@link MultiClassObjective}).
 */
@Plugin(type = Command.class, menuPath = "Plugins>Inf-Net>Train GGO and Consolidation", headless = true)
public class TrainGgoConsolidation implements Command {

    @Parameter(label = "Multi-class slices (Imgs/, GT/ 0-1-2, optional Prior/)", style = "directory")
    private File data;

    @Parameter(label = "Hold out for validation (last slices)", min = "1")
    private int valCount = 10;

    @Parameter(label = "Infection model for the priors (name or folder)")
    private String priorModel = ModelLocator.DEFAULT;

    @Parameter(label = "Read the priors from Prior/ instead")
    private boolean priorFolder;

    @Parameter(label = "U-Net", choices = {"multiclass-unet-compact", "multiclass-unet"})
    private String arch = "multiclass-unet-compact";

    @Parameter(label = "Outputs correct the prior (prior skip)")
    private boolean priorSkip;

    @Parameter(label = "Epochs", min = "1")
    private int epochs = 200;

    @Parameter(label = "Batch size", min = "1")
    private int batch = 16;

    @Parameter(label = "Optimizer", choices = {"sgd", "adam"})
    private String optimizer = "sgd";

    @Parameter(label = "Learning rate")
    private double lr = 1e-2;

    @Parameter(label = "SGD momentum", min = "0", max = "0.999")
    private double momentum = 0.7;

    @Parameter(label = "Training size (px)", min = "32")
    private int size = 352;

    @Parameter(label = "Scales")
    private String scales = "1";

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
        TrainConfig cfg = TrainConfig.builder().epochs(epochs).batchSize(batch).learningRate((float) lr).decayEvery(0)
                .clip(0).scales(TrainConfig.parseScales(scales)).trainSize(size).seed(seed)
                .augment(Augmentation.preset(augment)).build();
        TrainingJob<?> job = TrainingJob.builder(MultiClassObjective.network(UNetConfig.preset(arch).withPriorSkip(priorSkip),
                        priorFolder ? null : priorModel, Optimiser.Kind.parse(optimizer), (float) momentum))
                .data(data.toPath()).validationCount(valCount).train(cfg).output(output.toPath())
                .initFrom(init == null ? null : init.toPath()).device(device).name(arch).build();
        try {
            job.run(new CommandTrainingListener(status, log, "GGO/consolidation training", epochs));
        } catch (IOException e) {
            throw new IllegalStateException("GGO/consolidation training failed: " + e.getMessage(), e);
        }
    }
}
