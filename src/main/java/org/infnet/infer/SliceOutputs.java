package org.infnet.infer;

/**
 * The outputs a {@link VolumeSegmenter} writes into (as Labkit's {@code Segmenter} writes into the image it is
 * given): each slice's prediction is handed over once, possibly from several threads at once, each for its own
 * slice.
 *
 * @param <P> what the network predicts for one slice
 */
@FunctionalInterface
public interface SliceOutputs<P extends Prediction> {
    /** Keeps the prediction of slice {@code z} (the prediction's arrays are the outputs' to keep). */
    void put(int z, P prediction);
}
