package org.infnet.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.infnet.image.HuWindow;
import org.infnet.util.Workers;
import org.infnet.model.InfNetModel;
import org.infnet.model.InferenceEngine;

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
 *
 * <p>Memory: when the engine runs out of memory on a batch (a PyTorch allocation failure or a Java
 * {@link OutOfMemoryError}), the batch is retried at half the size, and later batches keep the smaller
 * size; only a failure at one slice per batch is an error. An image whose outputs cannot be held in
 * Java arrays (more than {@value #MAX_VOXELS} voxels) is refused before anything is allocated. One
 * segmenter (and one model) may be used by several threads at once.
 */
public final class InfectionSegmenter {

    /**
     * Segmentation options.
     *
     * @param threshold probability at or above which a pixel is infected (0.5)
     * @param window Hounsfield window for non-8-bit input
     * @param batchSize slices per network call
     * @param streams parts of a stack segmented at once, each on its own thread (1: the calling thread only)
     * @param edges whether to produce the edge-attention map ({@link Result#edge}); without it the edge map is
     *     neither resized back nor kept (less time and memory per slice)
     */
    public record Options(double threshold, HuWindow window, int batchSize, int streams, boolean edges) {
        /** Threshold 0.5, lung window, batch 4, one stream. */
        public static final Options DEFAULT = new Options(0.5, HuWindow.LUNG, 4);

        /** One stream, with the edge map. */
        public Options(double threshold, HuWindow window, int batchSize) {
            this(threshold, window, batchSize, 1, true);
        }

        /** These options with {@code n} streams. */
        public Options withStreams(int n) {
            return new Options(threshold, window, batchSize, n, edges);
        }

        /** These options with or without the edge map. */
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
    public record Result(Img<FloatType> probability, Img<UnsignedByteType> mask, Img<FloatType> edge) {}

    /** Largest number of voxels segmented at once (the outputs are Java arrays). */
    public static final long MAX_VOXELS = Integer.MAX_VALUE - 8;

    /**
     * Runs the network on one batch of slices (a {@link SlicePredictor}, or a stand-in in tests). It must not
     * change the slices, and must return new arrays, which the segmenter may keep as its outputs.
     */
    @FunctionalInterface
    interface BatchPredictor {
        List<SlicePrediction> predict(List<UnitSlice> batch);

        /** The same without the edge maps when {@code edges} is false (they may still be given, and are ignored). */
        default List<SlicePrediction> predict(List<UnitSlice> batch, boolean edges) {
            return predict(batch);
        }
    }

    /**
     * Tells when the slices of a stack that is still being filled (for example read from a file on another thread)
     * hold their values, so that segmentation can start before the whole stack is there.
     */
    @FunctionalInterface
    public interface SlicesReady {
        /** All slices already hold their values. */
        SlicesReady ALL = count -> { };

        /**
         * Returns once slices {@code 0 <= z < count} hold their values (slices fill in increasing z).
         *
         * @throws InterruptedException when the waiting thread is interrupted
         * @throws RuntimeException (e.g. {@link java.io.UncheckedIOException}) when they never will: the segmentation
         *     fails with it
         */
        void await(int count) throws InterruptedException;
    }

    private final BatchPredictor predictor;
    private final Options options;

    /** A segmenter running {@code model} (not owned) on PyTorch with {@code options}. */
    public InfectionSegmenter(InfNetModel model, Options options) {
        this(new SlicePredictor(model), options);
    }

    /**
     * A segmenter running {@code model} (not owned) on {@code engine} with {@code options}.
     *
     * @throws java.io.UncheckedIOException when ONNX Runtime is asked for and the ONNX model cannot be made
     */
    public InfectionSegmenter(InfNetModel model, Options options, InferenceEngine engine) {
        this(new SlicePredictor(model, engine), options);
    }

    /** This segmenter (the same network) with other options. */
    public InfectionSegmenter with(Options other) {
        return new InfectionSegmenter(predictor, other);
    }

    /** The options. */
    public Options options() {
        return options;
    }

    /** A segmenter over any batch predictor (tests inject failures through this). */
    InfectionSegmenter(BatchPredictor predictor, Options options) {
        this.predictor = predictor;
        this.options = options;
    }

    /**
     * Segments {@code image} (2D or 3D).
     *
     * @throws IllegalArgumentException for other dimensionalities, an empty image or one of more than
     *     {@link #MAX_VOXELS} voxels
     * @throws IllegalStateException when memory runs out (Java heap for the whole image, or the engine for a
     *     single slice)
     * @throws java.util.concurrent.CancellationException when {@code progress} cancels
     */
    public <T extends RealType<T>> Result segment(RandomAccessibleInterval<T> image, Progress progress) {
        return segment(image, SlicesReady.ALL, progress);
    }

    /**
     * Segments {@code image} (2D or 3D) while it is being filled: a batch of slices is segmented once {@code ready}
     * says they hold their values, and batches are taken in increasing z, so reading and segmenting overlap.
     * Otherwise as {@link #segment(RandomAccessibleInterval, Progress)}; a failure of {@code ready} is rethrown.
     */
    public <T extends RealType<T>> Result segment(RandomAccessibleInterval<T> image, SlicesReady ready,
            Progress progress) {
        long[] dims = checkedDims(image);
        int w = Math.toIntExact(dims[0]);
        int h = Math.toIntExact(dims[1]);
        int depth = dims.length == 3 ? Math.toIntExact(dims[2]) : 1;
        int plane = w * h;
        float[] prob;
        float[] edge;
        byte[] mask;
        try {
            // a single slice's outputs are the predictor's own arrays (no second copy of a large slice)
            prob = depth == 1 ? null : new float[plane * depth];
            edge = depth == 1 || !options.edges() ? null : new float[plane * depth];
            mask = new byte[plane * depth];
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException(notEnoughMemory(dims), e);
        }
        Outputs o = new Outputs(new UnitSource<>(image, options.window()), ready, w, h, depth, prob, edge, mask);
        int batches = (depth + options.batchSize() - 1) / options.batchSize();
        int streams = Math.min(options.streams(), batches);
        if (streams <= 1) {
            o.run(progress, progress);
        } else {
            o.runParallel(streams, progress);
        }
        if (depth == 1) {
            prob = o.prob;
            edge = o.edge;
        }
        return new Result(ArrayImgs.floats(prob, dims), ArrayImgs.unsignedBytes(mask, dims),
                edge == null ? null : ArrayImgs.floats(edge, dims));
    }

    /** The arrays being filled by one {@link #segment} call, and the loops that fill them. */
    private final class Outputs {
        private final UnitSource<?> source;
        private final SlicesReady ready;
        private final int w;
        private final int h;
        private final int depth;
        private float[] prob;
        private float[] edge;
        private final byte[] mask;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private volatile boolean stop;

        Outputs(UnitSource<?> source, SlicesReady ready, int w, int h, int depth, float[] prob, float[] edge,
                byte[] mask) {
            this.source = source;
            this.ready = ready;
            this.w = w;
            this.h = h;
            this.depth = depth;
            this.prob = prob;
            this.edge = edge;
            this.mask = mask;
        }

        /**
         * Takes batches of slices in increasing z (shared with the other streams) and segments them until none is
         * left, halving this stream's batch on out-of-memory, checking {@code cancel} before each batch and
         * reporting to {@code report} after it.
         */
        void run(Progress cancel, Progress report) {
            int batchSize = options.batchSize();
            while (!stop) {
                cancel.checkCancelled();
                int z0 = next.getAndAdd(batchSize);
                if (z0 >= depth) {
                    return;
                }
                int z1 = Math.min(depth, z0 + batchSize);
                await(z1);
                for (int a = z0; a < z1 && !stop;) {
                    int b = Math.min(z1, a + batchSize);
                    List<SlicePrediction> out;
                    try {
                        out = predictor.predict(source.slices(a, b), options.edges());
                    } catch (RuntimeException | OutOfMemoryError e) {
                        if (!isOutOfMemory(e)) {
                            throw e;
                        }
                        if (b - a == 1) {
                            throw new IllegalStateException("out of memory segmenting one " + w + "x" + h
                                    + " slice (" + e.getMessage() + ")", e);
                        }
                        batchSize = (b - a) / 2;
                        report.update(done.get(), depth, "out of memory with " + (b - a)
                                + " slices per batch; retrying with " + batchSize);
                        continue;
                    }
                    keep(a, b, out);
                    int n = done.addAndGet(b - a);
                    report.update(n, depth, "slice " + n + "/" + depth);
                    a = b;
                }
            }
        }

        private void await(int count) {
            try {
                ready.await(count);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
        }

        /** Stores the predictions of slices {@code z0 <= z < z1} and thresholds them. */
        private void keep(int z0, int z1, List<SlicePrediction> out) {
            int plane = w * h;
            for (int z = z0; z < z1; z++) {
                SlicePrediction p = out.get(z - z0);
                if (depth == 1) {
                    prob = p.probability();
                    edge = options.edges() ? p.edge() : null;
                } else {
                    System.arraycopy(p.probability(), 0, prob, z * plane, plane);
                    if (edge != null) {
                        System.arraycopy(p.edge(), 0, edge, z * plane, plane);
                    }
                }
                float[] pr = p.probability();
                double t = options.threshold();
                for (int i = 0, o = z * plane; i < plane; i++, o++) {
                    mask[o] = pr[i] >= t ? (byte) 255 : 0;
                }
            }
        }

        /**
         * Segments the slices on {@code streams} threads, which take batches in turn ({@link #run}). Only the
         * calling thread talks to {@code progress} (its cancellation may depend on the calling thread); it stops
         * the workers when cancelled, and the first worker failure is rethrown.
         */
        void runParallel(int streams, Progress progress) {
            ExecutorService pool = Workers.pool("infnet-segment", streams);
            List<Future<?>> parts = new ArrayList<>();
            try {
                for (int k = 0; k < streams; k++) {
                    parts.add(pool.submit(() -> run(Progress.NONE, Progress.NONE)));
                }
                for (Future<?> f : parts) {
                    while (true) {
                        try {
                            f.get(100, TimeUnit.MILLISECONDS);
                            break;
                        } catch (TimeoutException e) {
                            if (progress.cancelled()) {
                                stop = true;
                                progress.checkCancelled();
                            }
                            int n = done.get();
                            progress.update(n, depth, "slice " + n + "/" + depth);
                        }
                    }
                }
                progress.update(depth, depth, "slice " + depth + "/" + depth);
            } catch (InterruptedException e) {
                stop = true;
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            } catch (ExecutionException e) {
                stop = true;
                throw new IllegalStateException(Workers.rethrowUnchecked(e.getCause()));
            } finally {
                stop = true; // the workers stop after their current batch
                Workers.stop(pool, false);
            }
        }
    }

    /**
     * The slices of an image mapped to [0,1] ({@link #unitSlices}'s rule), made a batch at a time, so that no unit
     * copy of a whole stack is held. Float array images (NIfTI volumes, 32-bit stacks) are windowed, and 8-bit ones
     * scaled, straight from their storage; other images through a view of each slice.
     */
    private static final class UnitSource<T extends RealType<T>> {
        private final RandomAccessibleInterval<T> image;
        private final HuWindow window;
        private final float[] floats;
        private final byte[] bytes;
        private final int w;
        private final int h;

        UnitSource(RandomAccessibleInterval<T> image, HuWindow window) {
            this.image = image;
            this.window = window;
            this.floats = floatStorage(image);
            this.bytes = image.getType() instanceof UnsignedByteType && image instanceof ArrayImg<?, ?> a
                    && a.update(null) instanceof ByteArray ba ? ba.getCurrentStorageArray() : null;
            this.w = (int) image.dimension(0);
            this.h = (int) image.dimension(1);
        }

        /** Slices {@code z0 <= z < z1}, each a new array. */
        List<UnitSlice> slices(int z0, int z1) {
            List<UnitSlice> batch = new ArrayList<>(z1 - z0);
            for (int z = z0; z < z1; z++) {
                batch.add(new UnitSlice(slice(z), w, h));
            }
            return batch;
        }

        private float[] slice(int z) {
            int plane = w * h;
            if (floats != null) {
                return window.apply(floats, z * plane, plane);
            }
            if (bytes != null) { // 8-bit: already windowed, x / 255 as HuWindow.toUnit
                float[] unit = new float[plane];
                for (int i = 0, o = z * plane; i < plane; i++, o++) {
                    unit[i] = (bytes[o] & 0xff) / 255f;
                }
                return unit;
            }
            RandomAccessibleInterval<T> s = image.numDimensions() == 2 ? image
                    : Views.hyperSlice(image, 2, image.min(2) + z);
            return unitSlices(s, window);
        }
    }

    /**
     * Whether {@code e} is an allocation failure: a Java {@link OutOfMemoryError}, or an engine error whose
     * message (or cause's) says that memory ran out (PyTorch: "DefaultCPUAllocator: can't allocate memory",
     * "CUDA out of memory").
     */
    static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (m.contains("out of memory") || m.contains("allocate memory") || m.contains("not enough memory")) {
                return true;
            }
        }
        return false;
    }

    private static String size(long[] dims) {
        StringBuilder sb = new StringBuilder();
        for (long d : dims) {
            sb.append(sb.length() == 0 ? "" : "x").append(d);
        }
        return sb.toString();
    }

    private static String notEnoughMemory(long[] dims) {
        return "not enough Java memory to segment an image of " + size(dims) + " (maximum heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MB; about " + 20 * product(dims) / (1 << 20)
                + " MB needed): raise the maximum memory (Edit > Options > Memory, or java -Xmx) or crop the image";
    }

    private static long product(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /**
     * The dimensions of a 2D slice or 3D stack.
     *
     * @throws IllegalArgumentException for other dimensionalities, an empty image or one of more than
     *     {@link #MAX_VOXELS} voxels
     */
    static long[] checkedDims(RandomAccessibleInterval<?> image) {
        int nd = image.numDimensions();
        if (nd != 2 && nd != 3) {
            throw new IllegalArgumentException("expected a 2D slice or a 3D stack of slices, got " + nd + " dimensions");
        }
        long[] dims = image.dimensionsAsLongArray();
        for (long d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("image is empty (" + size(dims) + ")");
            }
        }
        long voxels = product(dims);
        if (voxels > MAX_VOXELS) {
            throw new IllegalArgumentException("image of " + size(dims) + " = " + voxels + " voxels is too large to"
                    + " segment at once (at most " + MAX_VOXELS + "); crop it or split the stack");
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

    private static float[] storage(Img<FloatType> img) {
        float[] f = floatStorage(img);
        if (f == null) {
            throw new IllegalStateException("expected an array image");
        }
        return f;
    }

    /** The float array behind an array image of floats, or null for any other image. */
    private static float[] floatStorage(RandomAccessibleInterval<?> img) {
        return img instanceof ArrayImg<?, ?> a && a.update(null) instanceof FloatArray fa ? fa.getCurrentStorageArray()
                : null;
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
