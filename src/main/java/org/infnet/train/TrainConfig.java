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
        return builder().build();
    }

    /** A builder starting from the paper's recipe ({@link #paper()}). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder().epochs(epochs).batchSize(batchSize).learningRate(learningRate).decayEvery(decayEvery)
                .decayRate(decayRate).clip(clip).scales(scales).trainSize(trainSize).seed(seed).augment(augment)
                .checkpointMinutes(checkpointMinutes);
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
        return toBuilder().epochs(epochs).batchSize(batchSize).learningRate(learningRate).build();
    }

    /** Builds a {@link TrainConfig} value by value; unset values are the paper's ({@link #paper()}). */
    public static final class Builder {

        private int epochs = 100;
        private int batchSize = 24;
        private float learningRate = 1e-4f;
        private int decayEvery = 50;
        private float decayRate = 0.1f;
        private float clip = 0.5f;
        private double[] scales = {0.75, 1, 1.25};
        private int trainSize = 352;
        private long seed = 42;
        private Augmentation augment = Augmentation.NONE;
        private double checkpointMinutes = 15;

        private Builder() {}

        /** See {@link TrainConfig#epochs()}. */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /** See {@link TrainConfig#batchSize()}. */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /** See {@link TrainConfig#learningRate()}. */
        public Builder learningRate(float v) {
            learningRate = v;
            return this;
        }

        /** See {@link TrainConfig#decayEvery()}. */
        public Builder decayEvery(int v) {
            decayEvery = v;
            return this;
        }

        /** See {@link TrainConfig#decayRate()}. */
        public Builder decayRate(float v) {
            decayRate = v;
            return this;
        }

        /** See {@link TrainConfig#clip()}. */
        public Builder clip(float v) {
            clip = v;
            return this;
        }

        /** See {@link TrainConfig#scales()}. */
        public Builder scales(double... v) {
            scales = v;
            return this;
        }

        /** See {@link TrainConfig#trainSize()}. */
        public Builder trainSize(int v) {
            trainSize = v;
            return this;
        }

        /** See {@link TrainConfig#seed()}. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** See {@link TrainConfig#augment()}. */
        public Builder augment(Augmentation v) {
            augment = v;
            return this;
        }

        /** See {@link TrainConfig#checkpointMinutes()}. */
        public Builder checkpointMinutes(double v) {
            checkpointMinutes = v;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException naming the value that is out of range (see the record's constructor)
         */
        public TrainConfig build() {
            return new TrainConfig(epochs, batchSize, learningRate, decayEvery, decayRate, clip, scales, trainSize,
                    seed, augment, checkpointMinutes);
        }
    }
}
