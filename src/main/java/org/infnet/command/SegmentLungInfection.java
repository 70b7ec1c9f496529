package org.infnet.command;

import ij.ImagePlus;
import net.imglib2.img.array.ArrayImgs;
import org.infnet.analysis.LungSegmentation;
import org.infnet.image.Calibration3D;
import java.util.concurrent.CancellationException;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.infer.VolumeSegmenter;
import org.infnet.image.HuWindow;
import org.infnet.model.InferenceEngine;
import org.infnet.model.ModelLocator;
import org.infnet.engine.NativeHeap;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import java.io.File;
import org.scijava.command.Command;
import org.scijava.command.DynamicCommand;
import org.scijava.plugin.Attr;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Inf-Net > Segment Lung Infection: probability map and mask of a CT slice or stack. */
@Plugin(type = Command.class, menuPath = "Plugins>Inf-Net>Segment Lung Infection", headless = true)
public class SegmentLungInfection<T extends RealType<T>> extends DynamicCommand {

    @Parameter(label = "CT image", description = "2D slice or stack of axial slices; 8-bit = already windowed, else HU")
    private RandomAccessibleInterval<T> image;

    @Parameter(label = "Model", required = false, initializer = "initModels",
            attrs = @Attr(name = ModelChoices.FOLDER_ATTRIBUTE, value = "modelFolder"),
            description = "an installed model, or Other and a model folder below")
    private String model = ModelLocator.DEFAULT;

    @Parameter(label = "Model folder", style = "directory", required = false,
            description = "an Inf-Net model folder (model.json + weights), used when the model above is '" + ModelChoices.OTHER_FOLDER + "'")
    private File modelFolder;

    /** Fiji's dialog: the installed models as a choice ({@link ModelChoices}). */
    protected void initModels() {
        ModelChoices.offer(this, "model");
    }

    @Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05")
    private double threshold = 0.5;

    @Parameter(label = "Window level (HU)", description = "for 16-bit/32-bit input")
    private double level = HuWindow.LUNG.level();

    @Parameter(label = "Window width (HU)", min = "1")
    private double width = HuWindow.LUNG.width();

    @Parameter(label = "Inference engine", required = false, choices = {"auto", "onnx", "pytorch"},
            description = "auto: the model's preference, else ONNX Runtime; the engines agree within 1e-4")
    private String engine = "auto";

    @Parameter(label = "Overlay infection on the image", required = false,
            description = "translucent red fill + outline on the open CT image")
    private boolean overlay = true;

    @Parameter(label = "Add ROIs to the ROI Manager", required = false,
            description = "one ROI per slice with infection, named by slice")
    private boolean rois;

    @Parameter(label = "Measure (results table)", required = false,
            description = "per slice infected px, mm^2, mean probability; per stack infected mL")
    private boolean results;

    @Parameter(label = "Segment lungs (burden %)", required = false,
            description = "classical lung mask; infected % of lung per slice and volume")
    private boolean lungs;

    @Parameter(label = "Open image (for overlay and ROIs)", required = false)
    private ImagePlus imp;

    @Parameter(label = "Probability", type = ItemIO.OUTPUT)
    private Img<FloatType> probability;

    @Parameter(label = "Infection mask", type = ItemIO.OUTPUT)
    private Img<UnsignedByteType> mask;

    @Parameter(label = "Lung mask (0/255)", type = ItemIO.OUTPUT, required = false)
    private Img<UnsignedByteType> lung;

    @Parameter
    private InfNetService infnet;

    @Parameter(required = false)
    private StatusService status;

    @Parameter
    private LogService log;

    /** A 0/1 mask as 0/255, as the infection mask is (so that both look alike on the default 0-255 display). */
    static byte[] displayed(byte[] mask) {
        byte[] out = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            out[i] = mask[i] != 0 ? (byte) 255 : 0;
        }
        return out;
    }

    @Override
    public void run() {
        try {
            var net = infnet.model(ModelChoices.resolve(model, modelFolder, "Model"));
            InfectionSegmenter.Result r = new InfectionSegmenter(net,
                    new InfectionSegmenter.Options(threshold, new HuWindow(level, width),
                            VolumeSegmenter.DEFAULT_BATCH, infnet.streams(), false),
                    InferenceEngine.resolve(engine, net.descriptor()))
                    .segment(image, new CommandProgress(status));
            probability = r.probability();
            mask = r.mask();
            Calibration3D cal = imp == null ? Calibration3D.UNCALIBRATED : Calibration3D.from(imp);
            LungSegmentation.VolumeLungs found = lungs
                    ? new LungSegmentation().segmentChecked(image, cal, new HuWindow(level, width)) : null;
            byte[] lungMask = found == null ? null : found.mask();
            lung = lungMask == null ? null : ArrayImgs.unsignedBytes(displayed(lungMask), mask.dimensionsAsLongArray());
            InfectionDisplay.show(imp, r, lungMask, found == null ? null : found.status(), cal,
                    new InfectionDisplay.Choices(overlay, rois, results), log);
        } catch (CancellationException e) {
            log.info("Inf-Net: segmentation cancelled");
        } catch (Exception e) {
            throw new IllegalStateException("Inf-Net segmentation failed: " + e.getMessage(), e);
        } finally {
            NativeHeap.trim(); // the engine's scratch memory back to the system between jobs
        }
    }
}
