package org.infnet.infer;

import java.util.List;

/**
 * A network's inference on a batch of slices, as DJL's {@code Translator} splits it: pre-process (resize each
 * windowed slice to the network's input size and encode it), forward (on the {@link org.infnet.model.InferenceEngine}
 * chosen when the predictor is made: the engine is a choice inside a predictor, not a second pipeline), post-process
 * (activations, resized back to each slice's own size). {@link SlicePredictor} gives the infection and edge maps,
 * {@link MultiClassPredictor} the GGO / consolidation maps; tests stand in for either.
 *
 * <p>Contract: a predictor must not change the slices, must return one new prediction per slice in order, must
 * release the native memory of a batch before returning, and may be called by several threads at once.
 *
 * @param <P> what the network predicts for one slice
 */
@FunctionalInterface
public interface Predictor<P extends Prediction> {
    /** The predictions of one batch (any size: the caller chooses it to bound memory). */
    List<P> predict(List<UnitSlice> batch);
}
