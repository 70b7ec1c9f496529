package org.infnet.infer;

/**
 * What a network answers for one slice, back at the slice's own size: {@link SlicePrediction} (infection and edge
 * attention) or {@link ClassPrediction} (GGO and consolidation). The maps are new arrays, which a segmenter may keep as
 * its outputs.
 */
public interface Prediction {
    /** Width in pixels. */
    int width();

    /** Height in pixels. */
    int height();
}
