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

/**
 * Segments lung infection in a 2D slice (XY) or a stack of axial slices (XYZ) of any real pixel
 * type and size: a {@link VolumeSegmenter} running a {@link SlicePredictor} into the infection outputs.
 *
 * <p>Input mapping: 8-bit images are taken as already windowed (value / 255); 16-bit, 32-bit and other
 * types are taken as Hounsfield units and mapped through {@link Options#window()} (lung window by
 * default). Every output has the input's own XY(Z) size: the infection probability (raw {@code
 * sigmoid(map 2)} in [0,1], not min-max normalised), the binary mask {@code probability >=
 * threshold} (0/255) and the edge-attention probability. Slices are processed in batches of {@link
 * Options#batchSize()}; progress is reported per slice and cancellation is honoured between batches.
 *
 * <p>Memory: when the engine runs out of memory on a batch (a PyTorch allocation failure or a Java
 * {@link OutOfMemoryError}), the batch is retried at half the size, and later batches keep the smaller
 * size; only a failure at one slice per batch is an error. An image whose outputs cannot be held in
 * Java arrays (more than {@value VolumeSegmenter#MAX_VOXELS} voxels) is refused before anything is allocated. One
 * segmenter (and one model) may be used by several threads at once.
 */
public final class InfectionSegmenter implements ImageSegmenter<InfectionSegmenter.Result> {

    /**
     * Segmentation options, fixed when the segmenter is made.
     *
     * @param threshold probability at or above which a pixel is infected (0.5)
     * @param window Hounsfield window for non-8-bit input
     * @param batchSize slices per network call
     * @param streams parts of a stack segmented at once, each on its own thread (1: the calling thread only)
     * @param edges whether to produce the edge-attention map ({@link Result#edge}); without it the edge map is
     *     neither resized back nor kept (less time and memory per slice)
     */
    public record Options(double threshold, HuWindow window, int batchSize, int streams, boolean edges) {
        /** Threshold 0.5, lung window, {@link VolumeSegmenter#DEFAULT_BATCH}, one stream. */
        public static final Options DEFAULT = new Options(0.5, HuWindow.LUNG, VolumeSegmenter.DEFAULT_BATCH);

        /** One stream, with the edge map. */
        public Options(double threshold, HuWindow window, int batchSize) {
            this(threshold, window, batchSize, 1, true);
        }

        /** These options with {@code n} streams (for the caller making a segmenter). */
        public Options withStreams(int n) {
            return new Options(threshold, window, batchSize, n, edges);
        }

        /** These options with or without the edge map (for the caller making a segmenter). */
        public Options withEdges(boolean e) {
            return new Options(threshold, window, batchSize, streams, e);
        }

        /** Checks the values. */
        public Options {
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold must be in [0,1], got " + threshold);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1");
            }
            if (streams < 1) {
                throw new IllegalArgumentException("streams must be at least 1");
            }
        }
    }

    /**
     * Segmentation outputs, each with the input's dimensions.
     *
     * @param probability infection probability in [0,1]
     * @param mask 255 where {@code probability >= threshold}, else 0
     * @param edge edge-attention probability in [0,1]; null when {@link Options#edges} is false
     */
    public record Result(Img<FloatType> probability, Img<UnsignedByteType> mask, Img<FloatType> edge)
            implements Segmentation {
        /** {@code _prob}, {@code _mask} and (when made) {@code _edge}. */
        @Override
        public List<OutputMap> maps() {
            List<OutputMap> maps = new ArrayList<>(List.of(OutputMap.probability("_prob", floats(probability)),
                    OutputMap.mask("_mask", bytes(mask))));
            if (edge != null) {
                maps.add(OutputMap.probability("_edge", floats(edge)));
            }
            return maps;
        }
    }

    /** Largest number of voxels segmented at once (the outputs are Java arrays). */
    public static final long MAX_VOXELS = VolumeSegmenter.MAX_VOXELS;

    private final VolumeSegmenter<SlicePrediction> volume;
    private final Options options;

    /** A segmenter running {@code model} (not owned) on PyTorch with {@code options}. */
    public InfectionSegmenter(NetworkModel<InfNet> model, Options options) {
        this(model, options, InferenceEngine.PYTORCH);
    }

    /**
     * A segmenter running {@code model} (not owned) on {@code engine} with {@code options}.
     *
     * @throws java.io.UncheckedIOException when ONNX Runtime is asked for and the ONNX model cannot be made
     */
    public InfectionSegmenter(NetworkModel<InfNet> model, Options options, InferenceEngine engine) {
        this(new SlicePredictor(model, engine, options.edges()), options);
    }

    /**
     * A segmenter over any predictor (tests inject failures through this). Its edge maps are kept only when
     * {@link Options#edges} is true.
     */
    InfectionSegmenter(Predictor<SlicePrediction> predictor, Options options) {
        this.volume = new VolumeSegmenter<>(predictor, options.window(), options.batchSize(), options.streams());
        this.options = options;
    }

    /** The options. */
    public Options options() {
        return options;
    }

    @Override
    public VolumeSegmenter<?> volume() {
        return volume;
    }

    @Override
    public <T extends RealType<T>> Result segment(RandomAccessibleInterval<T> image, SlicesReady ready,
            Progress progress, int streams) {
        long[] dims = VolumeSegmenter.checkedDims(image);
        Maps maps = new Maps(dims, options);
        volume.segment(image, ready, progress, streams, maps);
        return maps.result(dims);
    }

    /** Segments {@code image} (2D or 3D) while it is being filled, on {@link Options#streams} threads. */
    public <T extends RealType<T>> Result segment(RandomAccessibleInterval<T> image, SlicesReady ready,
            Progress progress) {
        return segment(image, ready, progress, options.streams());
    }

    /** The arrays one {@link #segment} call fills: each slice's probability and edge map, its thresholded mask. */
    private static final class Maps implements SliceOutputs<SlicePrediction> {
        private final int plane;
        private final boolean single;
        private final double threshold;
        private float[] prob;
        private float[] edge;
        private final byte[] mask;
        private final boolean edges;

        Maps(long[] dims, Options options) {
            int depth = dims.length == 3 ? Math.toIntExact(dims[2]) : 1;
            this.plane = Math.toIntExact(dims[0] * dims[1]);
            this.single = depth == 1;
            this.threshold = options.threshold();
            this.edges = options.edges();
            try {
                // a single slice's outputs are the predictor's own arrays (no second copy of a large slice)
                prob = single ? null : new float[plane * depth];
                edge = single || !edges ? null : new float[plane * depth];
                mask = new byte[plane * depth];
            } catch (OutOfMemoryError e) {
                throw new IllegalStateException(VolumeSegmenter.notEnoughMemory(dims), e);
            }
        }

        @Override
        public void put(int z, SlicePrediction p) {
            if (single) {
                prob = p.probability();
                edge = edges ? p.edge() : null;
            } else {
                System.arraycopy(p.probability(), 0, prob, z * plane, plane);
                if (edge != null) {
                    System.arraycopy(p.edge(), 0, edge, z * plane, plane);
                }
            }
            float[] pr = p.probability();
            for (int i = 0, o = z * plane; i < plane; i++, o++) {
                mask[o] = pr[i] >= threshold ? (byte) 255 : 0;
            }
        }

        Result result(long[] dims) {
            return new Result(ArrayImgs.floats(prob, dims), ArrayImgs.unsignedBytes(mask, dims),
                    edge == null ? null : ArrayImgs.floats(edge, dims));
        }
    }

    /** The byte storage of an array-backed mask (for writers). */
    public static byte[] bytes(Img<UnsignedByteType> img) {
        return VolumeSegmenter.bytes(img);
    }

    /** The float storage of an array-backed output (for writers). */
    public static float[] floats(Img<FloatType> img) {
        return VolumeSegmenter.floats(img);
    }
}
