package org.infnet.command;

import java.io.File;
import java.util.concurrent.CancellationException;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.infer.VolumeSegmenter;
import org.infnet.engine.NativeHeap;
import org.infnet.image.HuWindow;
import org.infnet.model.ModelLocator;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.DynamicCommand;
import org.scijava.plugin.Attr;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Inf-Net > Show Edge Attention: the edge branch's boundary probability. */
@Plugin(type = Command.class, menuPath = "Plugins>Inf-Net>Show Edge Attention", headless = true)
public class ShowEdgeAttention<T extends RealType<T>> extends DynamicCommand {

    @Parameter(label = "CT image")
    private RandomAccessibleInterval<T> image;

    @Parameter(label = "Model", required = false, initializer = "initModels",
            attrs = @Attr(name = ModelChoices.FOLDER_ATTRIBUTE, value = "modelFolder"))
    private String model = ModelLocator.DEFAULT;

    @Parameter(label = "Model folder", style = "directory", required = false,
            description = "an Inf-Net model folder, used when the model above is '" + ModelChoices.OTHER_FOLDER + "'")
    private File modelFolder;

    /** Fiji's dialog: the installed models as a choice ({@link ModelChoices}). */
    protected void initModels() {
        ModelChoices.offer(this, "model");
    }

    @Parameter(label = "Window level (HU)")
    private double level = HuWindow.LUNG.level();

    @Parameter(label = "Window width (HU)", min = "1")
    private double width = HuWindow.LUNG.width();

    @Parameter(label = "Edge attention", type = ItemIO.OUTPUT)
    private Img<FloatType> edges;

    @Parameter
    private InfNetService infnet;

    @Parameter(required = false)
    private StatusService status;

    @Parameter
    private LogService log;

    @Override
    public void run() {
        try {
            edges = new InfectionSegmenter(infnet.model(ModelChoices.resolve(model, modelFolder, "Model")),
                    new InfectionSegmenter.Options(0.5, new HuWindow(level, width), VolumeSegmenter.DEFAULT_BATCH,
                            infnet.streams(), true))
                    .segment(image, new CommandProgress(status)).edge();
        } catch (CancellationException e) {
            log.info("Inf-Net: cancelled");
        } catch (Exception e) {
            throw new IllegalStateException("Inf-Net edge attention failed: " + e.getMessage(), e);
        } finally {
            NativeHeap.trim(); // the engine's scratch memory back to the system between jobs
        }
    }
}
