package org.infnet.train.data;

/**
 * What every training sample has, whatever its network learns: a name, a size and the gray slice in [0,1]
 * (row-major, {@code x + width*y}); the targets are the implementation's. {@link Sample} (infection mask and
 * edge) and {@link MultiClassSample} (infection prior and class labels) are the two.
 *
 * @param <S> the implementing type
 */
public interface TrainingSample<S extends TrainingSample<S>> {

    /** Base file name without extension. */
    String name();

    /** Width in pixels. */
    int width();

    /** Height in pixels. */
    int height();

    /** Gray slice in [0,1], length {@code width*height}. */
    float[] image01();

    /** This sample at {@code size x size} (the implementation says how each array is resampled). */
    S resizedTo(int size);
}
