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
import org.infnet.model.InfNetModel;
import org.infnet.model.InferenceEngine;
import org.infnet.model.MultiClassModel;

/**
 * Segments ground-glass opacity and consolidation in a 2D slice or a stack of axial slices, as the paper's
 * multi-class pipeline: first the infection model makes the infection prior of each slice (its raw
 * probability, see {@link InfectionPrior}), then the multi-class U-Net takes slice + prior.
 *
 * <p>Input mapping as {@link InfectionSegmenter} (8-bit = windowed, other types = HU through the window).
 * Outputs, at the input's own size: the label image (0 background, 1 GGO, 2 consolidation) = per pixel the
 * class of highest probability, as the original's argmax (no per-class threshold; a threshold would leave
 * pixels where two classes pass it undecided); each class's probability {@code sigmoid(logit)} (the
 * original trains independent sigmoids, so they need not sum to 1); and the prior.
 */
public final class MultiClassSegmenter {

    /**
     * Options.
     *
     * @param window Hounsfield window for non-8-bit input
     * @param batchSize slices per network call
     */
    public record Options(HuWindow window, int batchSize) {
        /** Lung window, batch 4. */
        public static final Options DEFAULT = new Options(HuWindow.LUNG, 4);

        /** Checks the values. */
        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1");
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
    public record Result(Img<UnsignedByteType> labels, List<Img<FloatType>> probabilities, Img<FloatType> prior) {}

    private final InfectionPrior prior;
    private final MultiClassPredictor predictor;
    private final Options options;
    private final int classes;

    /** A segmenter running {@code infection} (for the prior) and {@code multiClass}, neither owned, on PyTorch. */
    public MultiClassSegmenter(InfNetModel infection, MultiClassModel multiClass, Options options) {
        this(infection, multiClass, options, InferenceEngine.PYTORCH);
    }

    /** A segmenter running {@code infection} (for the prior) and {@code multiClass}, neither owned, on {@code engine}. */
    public MultiClassSegmenter(InfNetModel infection, MultiClassModel multiClass, Options options,
            InferenceEngine engine) {
        this.prior = new InfectionPrior(infection, engine);
        this.predictor = new MultiClassPredictor(multiClass, engine);
        this.options = options;
        this.classes = multiClass.descriptor().unet().classes();
    }

    /**
     * Segments {@code image} (2D or 3D).
     *
     * @throws IllegalArgumentException for other dimensionalities or an empty image
     * @throws java.util.concurrent.CancellationException when {@code progress} cancels
     */
    public <T extends RealType<T>> Result segment(RandomAccessibleInterval<T> image, Progress progress) {
        long[] dims = InfectionSegmenter.checkedDims(image);
        int w = Math.toIntExact(dims[0]);
        int h = Math.toIntExact(dims[1]);
        int depth = dims.length == 3 ? Math.toIntExact(dims[2]) : 1;
        float[] unit = InfectionSegmenter.unitSlices(image, options.window());
        int plane = w * h;
        float[][] prob = new float[classes][plane * depth];
        float[] pri = new float[plane * depth];
        byte[] labels = new byte[plane * depth];
        for (int z0 = 0; z0 < depth; z0 += options.batchSize()) {
            progress.checkCancelled();
            int z1 = Math.min(depth, z0 + options.batchSize());
            List<UnitSlice> batch = new ArrayList<>();
            for (int z = z0; z < z1; z++) {
                float[] s = new float[plane];
                System.arraycopy(unit, z * plane, s, 0, plane);
                batch.add(new UnitSlice(s, w, h));
            }
            List<float[]> priors = prior.priors(batch);
            List<float[][]> out = predictor.predict(batch, priors);
            for (int z = z0; z < z1; z++) {
                float[][] p = out.get(z - z0);
                for (int c = 0; c < classes; c++) {
                    System.arraycopy(p[c], 0, prob[c], z * plane, plane);
                }
                System.arraycopy(priors.get(z - z0), 0, pri, z * plane, plane);
                System.arraycopy(MultiClassPredictor.argmax(p), 0, labels, z * plane, plane);
            }
            progress.update(z1, depth, "slice " + z1 + "/" + depth);
        }
        List<Img<FloatType>> maps = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            maps.add(ArrayImgs.floats(prob[c], dims));
        }
        return new Result(ArrayImgs.unsignedBytes(labels, dims), List.copyOf(maps), ArrayImgs.floats(pri, dims));
    }
}
