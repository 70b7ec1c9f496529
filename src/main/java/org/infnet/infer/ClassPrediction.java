package org.infnet.infer;

/**
 * The multi-class network's answer for one slice, back at the slice's own size.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param probabilities each class's probability {@code sigmoid(logit)}, indexed by label value ({@link LesionClasses})
 * @param prior the infection prior the network was given
 */
public record ClassPrediction(int width, int height, float[][] probabilities, float[] prior) implements Prediction {

    /** Per pixel the class of highest probability (the first on ties), as the original's argmax. */
    public byte[] labels() {
        return MultiClassPredictor.argmax(probabilities);
    }
}
