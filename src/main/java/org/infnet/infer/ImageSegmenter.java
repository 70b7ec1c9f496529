package org.infnet.infer;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import org.infnet.image.HuWindow;

/**
 * A network's whole segmentation of an image (a {@link VolumeSegmenter} writing into that network's outputs), as the
 * file job ({@link FileSegmentation}), the commands and the macros use it: {@link InfectionSegmenter} or {@link
 * MultiClassSegmenter}.
 *
 * @param <R> the result
 */
public interface ImageSegmenter<R extends Segmentation> {

    /**
     * Segments {@code image} (2D or 3D) while it is being filled ({@code ready}), its slices split between {@code
     * streams} threads.
     *
     * @throws IllegalArgumentException for other dimensionalities, an empty image or one of more than {@link
     *     VolumeSegmenter#MAX_VOXELS} voxels
     * @throws IllegalStateException when memory runs out (Java heap for the whole image, or the engine for a single
     *     slice)
     * @throws java.util.concurrent.CancellationException when {@code progress} cancels
     */
    <T extends RealType<T>> R segment(RandomAccessibleInterval<T> image, SlicesReady ready, Progress progress,
            int streams);

    /** Segments {@code image} (2D or 3D), all of whose slices hold their values, on {@link #streams} threads. */
    default <T extends RealType<T>> R segment(RandomAccessibleInterval<T> image, Progress progress) {
        return segment(image, SlicesReady.ALL, progress, streams());
    }

    /** The loop that runs the network: its batch size, window and streams are this segmenter's. */
    VolumeSegmenter<?> volume();

    /** Threads a stack's slices are split between when the caller does not say. */
    default int streams() {
        return volume().streams();
    }

    /** Slices per network call. */
    default int batchSize() {
        return volume().batchSize();
    }

    /** Window of non-8-bit input. */
    default HuWindow window() {
        return volume().window();
    }
}
