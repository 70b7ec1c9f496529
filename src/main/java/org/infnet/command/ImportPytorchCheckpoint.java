package org.infnet.command;

import ai.djl.Device;
import java.io.File;
import org.infnet.model.PytorchImport;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Inf-Net > Import PyTorch Checkpoint: a state dict of the original code as a model folder. */
@Plugin(type = Command.class, menuPath = "Plugins>Inf-Net>Import PyTorch Checkpoint", headless = true)
public class ImportPytorchCheckpoint implements Command {

    @Parameter(label = "PyTorch checkpoint (.pth)", style = "open")
    private File checkpoint;

    @Parameter(label = "Architecture", choices = {"infnet-res2net50", "multiclass-unet"})
    private String arch = "infnet-res2net50";

    @Parameter(label = "Output model folder", style = "directory")
    private File output;

    @Parameter(label = "Model name (optional)", required = false)
    private String name;

    @Parameter(label = "Model folder", type = ItemIO.OUTPUT)
    private String model;

    @Parameter
    private LogService log;

    @Parameter(required = false)
    private StatusService status;

    @Override
    public void run() {
        try {
            if (status != null) {
                status.showStatus("Inf-Net: importing " + checkpoint.getName() + " ...");
            }
            PytorchImport.Report r = PytorchImport.run(checkpoint.toPath(), arch, output.toPath(), name, Device.cpu());
            model = r.folder().toString();
            log.info("Inf-Net: imported " + checkpoint + " (" + r.used() + " tensors used, " + r.dropped().size()
                    + " dropped: " + PytorchImport.summariseDropped(r.dropped()) + ") into " + model);
            if (status != null) {
                status.showStatus("Inf-Net: imported " + checkpoint.getName());
            }
        } catch (Exception e) {
            throw new IllegalStateException("Inf-Net import failed: " + e.getMessage(), e);
        }
    }
}
