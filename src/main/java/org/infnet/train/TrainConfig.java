package org.infnet.train;

/**
 * Hyper-parameters of supervised Inf-Net training. {@link #paper()} is the original recipe.
 *
 * @param epochs number of epochs
 * @param batchSize slices per optimizer step
 * @param learningRate initial Adam learning rate
 * @param decayEvery epochs between learning-rate decays (step schedule); {@code <= 0} for none
 * @param decayRate factor applied at each decay
 * @param clip element-wise gradient clamp to {@code [-clip, clip]}
 * @param scales multi-scale training rates; each batch is used once per rate, resized to {@code
 *     round(trainSize * rate / 32) * 32}
 * @param trainSize base training side (352)
 * @param seed seed of weight initialisation, sample order and augmentation
 * @param augment augmentation applied to training slices ({@link Augmentation#NONE} in the paper)
 * @param checkpointMinutes minutes between mid-epoch checkpoints (one is always written per epoch)
 */
public record TrainConfig(
        int epochs,
        int batchSize,
        float learningRate,
        int decayEvery,
        float decayRate,
        float clip,
        double[] scales,
        int trainSize,
        long seed,
        Augmentation augment,
        double checkpointMinutes) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the value (and its command-line option) that is out of range
     */
    public TrainConfig {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs (--epochs) must be at least 1, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size (--batch) must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate (--lr) must be a positive number, got " + learningRate);
        }
        if (trainSize <= 0 || trainSize % 32 != 0) {
            throw new IllegalArgumentException("training size (--size) must be a positive multiple of 32, got "
                    + trainSize);
        }
        if (scales == null || scales.length == 0) {
            throw new IllegalArgumentException("scales (--scales) must list at least one rate");
        }
    }

    /** The paper's recipe: 100 epochs, batch 24, Adam 1e-4, clamp 0.5, scales 0.75/1/1.25, decay x0.1 at 50. */
    public static TrainConfig paper() {
        return new TrainConfig(100, 24, 1e-4f, 50, 0.1f, 0.5f, new double[] {0.75, 1, 1.25}, 352, 42,
                Augmentation.NONE, 15);
    }

    /** Learning rate of a (0-based) epoch under the step schedule. */
    public float learningRateAt(int epoch) {
        return decayEvery <= 0 ? learningRate : (float) (learningRate * Math.pow(decayRate, epoch / decayEvery));
    }

    /** Side length for a scale rate, rounded to a multiple of 32. */
    public int sideFor(double rate) {
        return (int) (Math.round(trainSize * rate / 32.0) * 32);
    }

    /**
     * Parses a comma-separated list of scale rates ({@code "0.75,1,1.25"}).
     *
     * @throws IllegalArgumentException naming the list if an entry is not a positive number
     */
    public static double[] parseScales(String list) {
        try {
            double[] s = java.util.Arrays.stream(list.split(",")).map(String::trim).mapToDouble(Double::parseDouble)
                    .toArray();
            if (s.length == 0 || java.util.Arrays.stream(s).anyMatch(v -> !(v > 0))) {
                throw new NumberFormatException();
            }
            return s;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scales must be positive numbers separated by commas, not '" + list + "'");
        }
    }

    /** A copy with other epochs, batch size and learning rate. */
    public TrainConfig with(int epochs, int batchSize, float learningRate) {
        return new TrainConfig(epochs, batchSize, learningRate, decayEvery, decayRate, clip, scales, trainSize,
                seed, augment, checkpointMinutes);
    }
}
