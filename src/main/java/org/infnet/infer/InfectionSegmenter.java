package org.infnet.infer;

import java.util.ArrayList;
import java.util.List;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.io.HuWindow;
import org.infnet.model.InfNetModel;

/**
 * Segments lung infection in a 2D slice (XY) or a stack of axial slices (XYZ) of any real pixel
 * type and size.
 *
 * <p>Input mapping: 8-bit images are taken as already windowed (value / 255); 16-bit, 32-bit and other
 * types are taken as Hounsfield units and mapped through {@link Options#window()} (lung window by
 * default). Every output has the input's own XY(Z) size: the infection probability (raw {@code
 * sigmoid(map 2)} in [0,1], not min-max normalised), the binary mask {@code probability >=
 * threshold} (0/255) and the edge-attention probability. Slices are processed in batches of {@link
 * Options#batchSize()}; progress is reported per slice and cancellation is honoured between batches.
 */
public final class InfectionSegmenter {

    /**
     * Segmentation options.
     *
     * @param threshold probability at or above which a pixel is infected (0.5)
     * @param window Hounsfield window for non-8-bit input
     * @param batchSize slices per network call
     */
    public record Options(double threshold, HuWindow window, int batchSize) {
        /** Threshold 0.5, lung window, batch 4. */
        public static final Options DEFAULT = new Options(0.5, HuWindow.LUNG, 4);

        /** Checks the values. */
        public Options {
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold must be in [0,1], got " + threshold);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1");
            }
        }
    }

    /**
     * Segmentation outputs, each with the input's dimensions.
     *
     * @param probability infection probability in [0,1]
     * @param mask 255 where {@code probability >= threshold}, else 0
     * @param edge edge-attention probability in [0,1]
     */
    public record Result(Img<FloatType> probability, Img<UnsignedByteType> mask, Img<FloatType> edge) {}

    private final SlicePredictor predictor;
    private final Options options;

    /** A segmenter running {@code model} (not owned) with {@code options}. */
    public InfectionSegmenter(InfNetModel model, Options options) {
        this.predictor = new SlicePredictor(model);
        this.options = options;
    }

    /**
     * Segments {@code image} (2D or 3D).
     *
     * @throws IllegalArgumentException for other dimensionalities or an empty image
     * @throws java.util.concurrent.CancellationException when {@code progress} cancels
     */
    public <T extends RealType<T>> Result segment(RandomAccessibleInterval<T> image, Progress progress) {
        long[] dims = checkedDims(image);
        int w = Math.toIntExact(dims[0]);
        int h = Math.toIntExact(dims[1]);
        int depth = dims.length == 3 ? Math.toIntExact(dims[2]) : 1;
        float[] unit = unitSlices(image, options.window());
        int plane = w * h;
        float[] prob = new float[plane * depth];
        float[] edge = new float[plane * depth];
        byte[] mask = new byte[plane * depth];
        for (int z0 = 0; z0 < depth; z0 += options.batchSize()) {
            progress.checkCancelled();
            int z1 = Math.min(depth, z0 + options.batchSize());
            List<UnitSlice> batch = new ArrayList<>();
            for (int z = z0; z < z1; z++) {
                float[] s = new float[plane];
                System.arraycopy(unit, z * plane, s, 0, plane);
                batch.add(new UnitSlice(s, w, h));
            }
            List<SlicePrediction> out = predictor.predict(batch);
            for (int z = z0; z < z1; z++) {
                SlicePrediction p = out.get(z - z0);
                System.arraycopy(p.probability(), 0, prob, z * plane, plane);
                System.arraycopy(p.edge(), 0, edge, z * plane, plane);
                for (int i = 0; i < plane; i++) {
                    mask[z * plane + i] = p.probability()[i] >= options.threshold() ? (byte) 255 : 0;
                }
            }
            progress.update(z1, depth, "slice " + z1 + "/" + depth);
        }
        return new Result(ArrayImgs.floats(prob, dims), ArrayImgs.unsignedBytes(mask, dims), ArrayImgs.floats(edge, dims));
    }

    /**
     * The dimensions of a 2D slice or 3D stack.
     *
     * @throws IllegalArgumentException for other dimensionalities, an empty image or a too large slice
     */
    static long[] checkedDims(RandomAccessibleInterval<?> image) {
        int nd = image.numDimensions();
        if (nd != 2 && nd != 3) {
            throw new IllegalArgumentException("expected a 2D slice or a 3D stack of slices, got " + nd + " dimensions");
        }
        long[] dims = image.dimensionsAsLongArray();
        for (long d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("image is empty");
            }
        }
        if (dims[0] * dims[1] > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("slice of " + dims[0] + "x" + dims[1] + " is too large");
        }
        return dims;
    }

    /** The image mapped to [0,1] through {@code window} (8-bit: / 255), NaN as 0, as one array. */
    static <T extends RealType<T>> float[] unitSlices(RandomAccessibleInterval<T> image, HuWindow window) {
        float[] unit = storage(window.toUnit(image));
        sanitize(unit);
        return unit;
    }

    /** NaN (missing data) becomes 0; infinities are clamped by the window already. */
    private static void sanitize(float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(a[i])) {
                a[i] = 0;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static float[] storage(Img<FloatType> img) {
        if (img instanceof ArrayImg<?, ?> a && a.update(null) instanceof FloatArray fa) {
            return fa.getCurrentStorageArray();
        }
        throw new IllegalStateException("expected an array image");
    }

    /** The byte storage of an array-backed mask (for writers). */
    public static byte[] bytes(Img<UnsignedByteType> img) {
        if (img instanceof ArrayImg<?, ?> a && a.update(null) instanceof ByteArray ba) {
            return ba.getCurrentStorageArray();
        }
        throw new IllegalStateException("expected an array image");
    }

    /** The float storage of an array-backed output (for writers). */
    public static float[] floats(Img<FloatType> img) {
        return storage(img);
    }
}
