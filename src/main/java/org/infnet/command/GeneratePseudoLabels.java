package org.infnet.command;

import java.io.File;
import java.io.IOException;
import org.infnet.model.ModelLocator;
import org.infnet.semisup.PseudoLabelConfig;
import org.infnet.semisup.PseudoLabelJob;
import org.infnet.semisup.PseudoLabelListener;
import org.infnet.train.TrainConfig;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.DynamicCommand;
import org.scijava.plugin.Attr;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > Inf-Net > Generate Pseudo Labels: Semi-Inf-Net's randomly selected propagation ({@link
 * PseudoLabelJob}). Writes soft pseudo labels in the Inf-Net layout into the output folder; cancelling
 * stops after a checkpoint, and running it again on the same output folder continues with the next round.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Inf-Net>Generate Pseudo Labels", headless = true)
public class GeneratePseudoLabels extends DynamicCommand {

    @Parameter(label = "Doctor-labelled slices (Inf-Net layout)", style = "directory")
    private File labelled;

    @Parameter(label = "Unlabelled slices (folder, or folder with Imgs/)", style = "directory")
    private File unlabelled;

    @Parameter(label = "Start from model", initializer = "initModels",
            attrs = @Attr(name = ModelChoices.FOLDER_ATTRIBUTE, value = "modelFolder"),
            description = "an installed model, or a model folder")
    private String model = ModelLocator.DEFAULT;

    @Parameter(label = "Model folder", style = "directory", required = false,
            description = "an Inf-Net model folder to start from, used when the model above is '" + ModelChoices.OTHER_FOLDER + "'")
    private File modelFolder;

    /** Fiji's dialog: the installed models as a choice ({@link ModelChoices}). */
    protected void initModels() {
        ModelChoices.offer(this, "model");
    }

    @Parameter(label = "Output folder", style = "directory")
    private File output;

    @Parameter(label = "Validation folder (optional)", style = "directory", required = false)
    private File validation;

    @Parameter(label = "Slices per round (K)", min = "1")
    private int k = 5;

    @Parameter(label = "Epochs per round (E)", min = "1")
    private int epochs = 9;

    @Parameter(label = "Batch size", min = "1")
    private int batch = 16;

    @Parameter(label = "Learning rate")
    private double lr = 3e-4;

    @Parameter(label = "Scales")
    private String scales = "0.75,1,1.25";

    @Parameter(label = "Maximum rounds (0 = all)", min = "0")
    private int maxRounds;

    @Parameter(label = "Seed")
    private int seed = 42;

    @Parameter(label = "Then train Semi-Inf-Net (pseudo labels, then doctor labels)")
    private boolean finalStage;

    @Parameter(label = "Backbone of Semi-Inf-Net", choices = {"infnet-compact", "infnet-res2net50"})
    private String arch = "infnet-compact";

    @Parameter(label = "Epochs on the pseudo labels", min = "1")
    private int finalEpochs = 100;

    @Parameter(label = "Epochs of the doctor-label fine-tune", min = "1")
    private int finetuneEpochs = 100;

    @Parameter(label = "Device", choices = {"cpu", "gpu"})
    private String device = "cpu";

    @Parameter(label = "Summary", type = ItemIO.OUTPUT)
    private String summary;

    @Parameter(required = false)
    private StatusService status;

    @Parameter
    private LogService log;

    @Override
    public void run() {
        PseudoLabelConfig cfg = PseudoLabelConfig.builder().groupSize(k).rounds(epochs, lr).batchSize(batch)
                .scales(TrainConfig.parseScales(scales)).seed(seed).maxRounds(maxRounds).backbone(arch)
                .finalStage(finalStage).pseudoTraining(finalEpochs, 1e-4).doctorFineTune(finetuneEpochs, 1e-4).build();
        try {
            PseudoLabelJob.Result r = new PseudoLabelJob(labelled.toPath(), unlabelled.toPath(), ModelChoices.resolve(model, modelFolder, "Start from model"),
                    output.toPath(), validation == null ? null : validation.toPath(), cfg, device)
                    .run(PseudoLabelListener.reporting(new CommandProgress(status), m -> log.info("Inf-Net: " + m)));
            summary = r.roundsDone() + "/" + r.roundsPlanned() + " rounds, " + r.poolSize() + " pseudo labels in "
                    + output + (r.cancelled() ? " (cancelled: run again to continue)" : "");
            log.info("Inf-Net: " + summary);
        } catch (IOException e) {
            throw new IllegalStateException("Inf-Net pseudo labels: " + e.getMessage(), e);
        }
    }
}
