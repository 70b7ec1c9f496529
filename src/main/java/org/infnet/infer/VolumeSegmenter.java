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
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.infnet.image.HuWindow;
import org.infnet.util.Workers;

/**
 * The one loop that runs a network ({@link Predictor}) over a 2D slice (XY) or a stack of axial slices (XYZ) of any
 * real pixel type and size, and writes each slice's prediction into the {@link SliceOutputs} it is given.
 *
 * <p>Input mapping: 8-bit images are taken as already windowed (value / 255); 16-bit, 32-bit and other types are taken
 * as Hounsfield units and mapped through the window; NaN becomes 0. Slices are taken in batches of {@code batchSize}
 * in increasing z, each batch once {@link SlicesReady} says it holds its values; progress is reported per slice and
 * cancellation is honoured between batches. With several streams, the batches are shared between that many threads.
 *
 * <p>Memory: when the engine runs out of memory on a batch (a PyTorch allocation failure or a Java {@link
 * OutOfMemoryError}), the batch is retried at half the size, and later batches of that stream keep the smaller size;
 * only a failure at one slice per batch is an error. One segmenter may be used by several threads at once.
 *
 * @param <P> what the network predicts for one slice
 */
public final class VolumeSegmenter<P extends Prediction> {

    /** Largest number of voxels segmented at once (the outputs are Java arrays). */
    public static final long MAX_VOXELS = Integer.MAX_VALUE - 8;

    /** Slices per network call when the caller does not choose (the CLI's {@code --batch}, the commands, the macros). */
    public static final int DEFAULT_BATCH = 4;

    private final Predictor<P> predictor;
    private final HuWindow window;
    private final int batchSize;
    private final int streams;

    /**
     * A segmenter running {@code predictor} on slices windowed by {@code window}, {@code batchSize} at a time, on
     * {@code streams} threads unless a call says otherwise.
     */
    public VolumeSegmenter(Predictor<P> predictor, HuWindow window, int batchSize, int streams) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1");
        }
        if (streams < 1) {
            throw new IllegalArgumentException("streams must be at least 1");
        }
        this.predictor = predictor;
        this.window = window;
        this.batchSize = batchSize;
        this.streams = streams;
    }

    /** Threads a stack's slices are split between when the caller does not say. */
    public int streams() {
        return streams;
    }

    /** The window of non-8-bit input. */
    public HuWindow window() {
        return window;
    }

    /** Slices per network call. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Segments {@code image} (2D or 3D, already checked by {@link #checkedDims}) on {@code streams} threads (1: the
     * calling thread only) into {@code outputs}. Only the calling thread talks to {@code progress}.
     *
     * @throws IllegalStateException when the engine runs out of memory on a single slice
     * @throws CancellationException when {@code progress} cancels or the thread is interrupted
     * @throws RuntimeException a failure of {@code ready} or of the predictor, rethrown
     */
    public <T extends RealType<T>> void segment(RandomAccessibleInterval<T> image, SlicesReady ready,
            Progress progress, int streams, SliceOutputs<P> outputs) {
        int depth = image.numDimensions() == 3 ? Math.toIntExact(image.dimension(2)) : 1;
        Run run = new Run(new UnitSource<>(image, window), ready, depth, outputs);
        int batches = (depth + batchSize - 1) / batchSize;
        int n = Math.min(Math.max(1, streams), batches);
        if (n <= 1) {
            run.run(progress, progress);
        } else {
            run.runParallel(n, progress);
        }
    }

    /** One {@link #segment} call: the batches still to take and the loops that take them. */
    private final class Run {
        private final UnitSource<?> source;
        private final SlicesReady ready;
        private final int depth;
        private final SliceOutputs<P> outputs;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private volatile boolean stop;

        Run(UnitSource<?> source, SlicesReady ready, int depth, SliceOutputs<P> outputs) {
            this.source = source;
            this.ready = ready;
            this.depth = depth;
            this.outputs = outputs;
        }

        /**
         * Takes batches of slices in increasing z (shared with the other streams) and segments them until none is
         * left, halving this stream's batch on out-of-memory, checking {@code cancel} before each batch and
         * reporting to {@code report} after it.
         */
        void run(Progress cancel, Progress report) {
            int size = batchSize;
            while (!stop) {
                cancel.checkCancelled();
                int z0 = next.getAndAdd(size);
                if (z0 >= depth) {
                    return;
                }
                int z1 = Math.min(depth, z0 + size);
                await(z1);
                for (int a = z0; a < z1 && !stop;) {
                    int b = Math.min(z1, a + size);
                    List<P> out;
                    try {
                        out = predictor.predict(source.slices(a, b));
                    } catch (RuntimeException | OutOfMemoryError e) {
                        if (!isOutOfMemory(e)) {
                            throw e;
                        }
                        if (b - a == 1) {
                            throw new IllegalStateException("out of memory segmenting one " + source.w + "x" + source.h
                                    + " slice (" + e.getMessage() + ")", e);
                        }
                        size = (b - a) / 2;
                        report.update(done.get(), depth, "out of memory with " + (b - a)
                                + " slices per batch; retrying with " + size);
                        continue;
                    }
                    for (int z = a; z < b; z++) {
                        outputs.put(z, out.get(z - a));
                    }
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

    /** {@code 4x5x6}. */
    static String size(long[] dims) {
        StringBuilder sb = new StringBuilder();
        for (long d : dims) {
            sb.append(sb.length() == 0 ? "" : "x").append(d);
        }
        return sb.toString();
    }

    /** What to do when the outputs of an image of {@code dims} do not fit in the Java heap. */
    static String notEnoughMemory(long[] dims) {
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
    public static long[] checkedDims(RandomAccessibleInterval<?> image) {
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
        float[] unit = floats(window.toUnit(image));
        for (int i = 0; i < unit.length; i++) { // NaN (missing data) becomes 0; infinities are clamped by the window
            if (Float.isNaN(unit[i])) {
                unit[i] = 0;
            }
        }
        return unit;
    }

    /** The float array behind an array image of floats, or null for any other image. */
    private static float[] floatStorage(RandomAccessibleInterval<?> img) {
        return img instanceof ArrayImg<?, ?> a && a.update(null) instanceof FloatArray fa ? fa.getCurrentStorageArray()
                : null;
    }

    /** The byte storage of an array-backed mask or label image (for writers). */
    public static byte[] bytes(Img<UnsignedByteType> img) {
        if (img instanceof ArrayImg<?, ?> a && a.update(null) instanceof ByteArray ba) {
            return ba.getCurrentStorageArray();
        }
        throw new IllegalStateException("expected an array image");
    }

    /** The float storage of an array-backed map (for writers). */
    public static float[] floats(Img<FloatType> img) {
        float[] f = floatStorage(img);
        if (f == null) {
            throw new IllegalStateException("expected an array image");
        }
        return f;
    }
}
