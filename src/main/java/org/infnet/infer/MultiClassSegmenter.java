package org.infnet.infer;

import java.util.ArrayList;
import java.util.List;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.image.HuWindow;
import org.infnet.model.InferenceEngine;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;

/**
 * Segments ground-glass opacity and consolidation in a 2D slice or a stack of axial slices, as the paper's
 * multi-class pipeline: first the infection model makes the infection prior of each slice (its raw
 * probability, see {@link InfectionPrior}), then the multi-class U-Net takes slice + prior ({@link
 * MultiClassPredictor}, run by a {@link VolumeSegmenter}: batches, streams, out-of-memory halving and cancellation as
 * {@link InfectionSegmenter}).
 *
 * <p>Input mapping as {@link InfectionSegmenter} (8-bit = windowed, other types = HU through the window).
 * Outputs, at the input's own size: the label image (0 background, 1 GGO, 2 consolidation) = per pixel the
 * class of highest probability, as the original's argmax (no per-class threshold; a threshold would leave
 * pixels where two classes pass it undecided); each class's probability {@code sigmoid(logit)} (the
 * original trains independent sigmoids, so they need not sum to 1); and the prior.
 */
public final class MultiClassSegmenter implements ImageSegmenter<MultiClassSegmenter.Result> {

    /**
     * Options, fixed when the segmenter is made.
     *
     * @param window Hounsfield window for non-8-bit input
     * @param batchSize slices per network call
     * @param streams parts of a stack segmented at once, each on its own thread (1: the calling thread only)
     */
    public record Options(HuWindow window, int batchSize, int streams) {
        /** Lung window, {@link VolumeSegmenter#DEFAULT_BATCH}, one stream. */
        public static final Options DEFAULT = new Options(HuWindow.LUNG, VolumeSegmenter.DEFAULT_BATCH);

        /** One stream. */
        public Options(HuWindow window, int batchSize) {
            this(window, batchSize, 1);
        }

        /** Checks the values. */
        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1");
            }
            if (streams < 1) {
                throw new IllegalArgumentException("streams must be at least 1");
            }
        }
    }

    /**
     * Outputs, each with the input's dimensions.
     *
     * @param labels class per pixel: 0 background, 1 GGO, 2 consolidation ({@link LesionClasses})
     * @param probabilities the probability map of each class, indexed by label value
     * @param prior the infection prior the U-Net was given
     */
    public record Result(Img<UnsignedByteType> labels, List<Img<FloatType>> probabilities, Img<FloatType> prior)
            implements Segmentation {
        /** {@code _labels} (with the class colours), then {@code _ggo_prob}, {@code _consolidation_prob}. */
        @Override
        public List<OutputMap> maps() {
            List<OutputMap> maps = new ArrayList<>();
            maps.add(OutputMap.labels("_labels", VolumeSegmenter.bytes(labels), probabilities.size(),
                    LesionClasses.lut()));
            for (int c = 1; c < probabilities.size(); c++) {
                maps.add(OutputMap.probability("_" + LesionClasses.name(c) + "_prob",
                        VolumeSegmenter.floats(probabilities.get(c))));
            }
            return maps;
        }
    }

    private final VolumeSegmenter<ClassPrediction> volume;
    private final Options options;
    private final int classes;

    /** A segmenter running {@code infection} (for the prior) and {@code multiClass}, neither owned, on PyTorch. */
    public MultiClassSegmenter(NetworkModel<InfNet> infection, NetworkModel<MultiClassUNet> multiClass, Options options) {
        this(infection, multiClass, options, InferenceEngine.PYTORCH);
    }

    /** A segmenter running {@code infection} (for the prior) and {@code multiClass}, neither owned, on {@code engine}. */
    public MultiClassSegmenter(NetworkModel<InfNet> infection, NetworkModel<MultiClassUNet> multiClass, Options options,
            InferenceEngine engine) {
        this(new MultiClassPredictor(infection, multiClass, engine), multiClass.descriptor().unet().classes(), options);
    }

    /** A segmenter over any predictor of {@code classes} classes (tests inject failures through this). */
    MultiClassSegmenter(Predictor<ClassPrediction> predictor, int classes, Options options) {
        this.volume = new VolumeSegmenter<>(predictor, options.window(), options.batchSize(), options.streams());
        this.options = options;
        this.classes = classes;
    }

    @Override
    public VolumeSegmenter<?> volume() {
        return volume;
    }

    @Override
    public <T extends RealType<T>> Result segment(RandomAccessibleInterval<T> image, SlicesReady ready,
            Progress progress, int streams) {
        long[] dims = VolumeSegmenter.checkedDims(image);
        int depth = dims.length == 3 ? Math.toIntExact(dims[2]) : 1;
        int plane = Math.toIntExact(dims[0] * dims[1]);
        float[][] prob;
        float[] prior;
        byte[] labels;
        try {
            prob = new float[classes][plane * depth];
            prior = new float[plane * depth];
            labels = new byte[plane * depth];
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException(VolumeSegmenter.notEnoughMemory(dims), e);
        }
        volume.segment(image, ready, progress, streams, (z, p) -> {
            for (int c = 0; c < classes; c++) {
                System.arraycopy(p.probabilities()[c], 0, prob[c], z * plane, plane);
            }
            System.arraycopy(p.prior(), 0, prior, z * plane, plane);
            System.arraycopy(p.labels(), 0, labels, z * plane, plane);
        });
        List<Img<FloatType>> maps = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            maps.add(ArrayImgs.floats(prob[c], dims));
        }
        return new Result(ArrayImgs.unsignedBytes(labels, dims), List.copyOf(maps), ArrayImgs.floats(prior, dims));
    }
}
