package org.infnet.infer;

/**
 * The network's answer for one slice, back at the slice's own size.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param probability infection probability, the raw {@code sigmoid(map 2)} in [0,1] (not normalised)
 * @param edge edge-attention probability, {@code sigmoid(edge map)} in [0,1]; null when not asked for
 */
public record SlicePrediction(int width, int height, float[] probability, float[] edge) implements Prediction {

    /** Binary mask {@code probability >= threshold}. */
    public boolean[] mask(double threshold) {
        boolean[] m = new boolean[probability.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = probability[i] >= threshold;
        }
        return m;
    }
}
