package org.infnet.command;

import java.io.File;
import java.util.concurrent.CancellationException;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.infer.LesionClasses;
import org.infnet.infer.MultiClassSegmenter;
import org.infnet.infer.VolumeSegmenter;
import org.infnet.image.HuWindow;
import org.infnet.model.InferenceEngine;
import org.infnet.engine.NativeHeap;
import org.infnet.model.ModelLocator;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.DynamicCommand;
import org.scijava.plugin.Attr;
import org.scijava.log.LogService;
import org.scijava.plugin.Attr;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > Inf-Net > Segment GGO and Consolidation: the paper's multi-class pipeline (infection prior from
 * an Inf-Net model, then the multi-class U-Net) on a CT slice or stack. Outputs the label image (0
 * background, 1 GGO, 2 consolidation; its {@code lut} attribute asks for the class colours, GGO red and
 * consolidation green, which the ImageJ 1.x bridge applies) and the two lesion probability maps.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Inf-Net>Segment GGO and Consolidation", headless = true)
public class SegmentGgoConsolidation<T extends RealType<T>> extends DynamicCommand {

    /** Value of an output's {@code lut} attribute asking for {@link LesionClasses#lut()}. */
    public static final String LESION_LUT = "lesion-classes";

    @Parameter(label = "CT image", description = "2D slice or stack of axial slices; 8-bit = already windowed, else HU")
    private RandomAccessibleInterval<T> image;

    @Parameter(label = "Multi-class model", required = false, initializer = "initModels",
            attrs = @Attr(name = ModelChoices.FOLDER_ATTRIBUTE, value = "modelFolder"), description = "bundled model name or model folder")
    private String model = ModelLocator.DEFAULT_MULTICLASS;

    @Parameter(label = "Infection model (prior)", required = false,
            attrs = @Attr(name = ModelChoices.FOLDER_ATTRIBUTE, value = "infectionFolder"),
            description = "Inf-Net model making the infection prior: bundled model name or model folder")
    private String infection = ModelLocator.DEFAULT;

    @Parameter(label = "Multi-class model folder", style = "directory", required = false,
            description = "a multi-class model folder, used when the model above is '" + ModelChoices.OTHER_FOLDER + "'")
    private File modelFolder;

    @Parameter(label = "Infection model folder", style = "directory", required = false,
            description = "an Inf-Net model folder for the prior, used when the infection model above is '" + ModelChoices.OTHER_FOLDER + "'")
    private File infectionFolder;

    /** Fiji's dialog: the installed models as a choice ({@link ModelChoices}). */
    protected void initModels() {
        ModelChoices.offer(this, "model");
        ModelChoices.offer(this, "infection");
    }

    @Parameter(label = "Window level (HU)", description = "for 16-bit/32-bit input")
    private double level = HuWindow.LUNG.level();

    @Parameter(label = "Window width (HU)", min = "1")
    private double width = HuWindow.LUNG.width();

    @Parameter(label = "Inference engine", required = false, choices = {"auto", "onnx", "pytorch"},
            description = "auto: the model's preference, else ONNX Runtime; the engines agree within 1e-4")
    private String engine = "auto";

    @Parameter(label = "Labels", type = ItemIO.OUTPUT, attrs = @Attr(name = "lut", value = LESION_LUT))
    private Img<UnsignedByteType> labels;

    @Parameter(label = "GGO probability", type = ItemIO.OUTPUT)
    private Img<FloatType> ggo;

    @Parameter(label = "Consolidation probability", type = ItemIO.OUTPUT)
    private Img<FloatType> consolidation;

    @Parameter
    private InfNetService infnet;

    @Parameter(required = false)
    private StatusService status;

    @Parameter
    private LogService log;

    @Override
    public void run() {
        try {
            var unet = infnet.multiClassModel(ModelChoices.resolve(model, modelFolder, "Multi-class model"));
            MultiClassSegmenter.Result r = new MultiClassSegmenter(
                    infnet.model(ModelChoices.resolve(infection, infectionFolder, "Infection model")), unet,
                    new MultiClassSegmenter.Options(new HuWindow(level, width), VolumeSegmenter.DEFAULT_BATCH,
                            infnet.streams()),
                    InferenceEngine.resolve(engine, unet.descriptor()))
                    .segment(image, new CommandProgress(status));
            labels = r.labels();
            ggo = r.probabilities().get(LesionClasses.GGO);
            consolidation = r.probabilities().get(LesionClasses.CONSOLIDATION);
        } catch (CancellationException e) {
            log.info("Inf-Net: segmentation cancelled");
        } catch (Exception e) {
            throw new IllegalStateException("Inf-Net multi-class segmentation failed: " + e.getMessage(), e);
        } finally {
            NativeHeap.trim(); // the engine's scratch memory back to the system between jobs
        }
    }
}
