package org.infnet.semisup;

import org.infnet.nn.InfNetConfig;
import org.infnet.train.TrainConfig;

/**
 * Parameters of Semi-Inf-Net's randomly selected propagation. The original recipe is K = 5, 9 epochs per
 * round at Adam 3e-4, batch 16, then 100 epochs on the pseudo labels and a fine-tune on the doctor labels
 * (the CLI's defaults, {@link #builder}).
 *
 * @param groupSize K, unlabelled slices pseudo-labelled per round (the last group may be smaller)
 * @param maxRounds cap on the number of rounds ({@code <= 0}: as many as the groups); a later run with a
 *     larger cap continues where the previous one stopped
 * @param seed seed of the shuffle of the unlabelled slices; round {@code r} trains with seed {@code seed + r}
 * @param round training of one round (its {@code epochs} is E, fine-tuning the current model on doctor
 *     labels + pool)
 * @param backbone architecture of the network trained from scratch in the final stage
 * @param finalStage whether to run the final stage after the last round: train {@code backbone} from
 *     scratch on all pseudo-labelled slices ({@code pseudoTraining}), then fine-tune it on the doctor labels
 *     ({@code doctorFineTune})
 * @param pseudoTraining recipe of the final stage's training on the pseudo labels
 * @param doctorFineTune recipe of the final stage's fine-tune on the doctor labels
 */
public record PseudoLabelConfig(int groupSize, int maxRounds, long seed, TrainConfig round, InfNetConfig backbone,
        boolean finalStage, TrainConfig pseudoTraining, TrainConfig doctorFineTune) {

    /** Checks the values. */
    public PseudoLabelConfig {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size K must be >= 1, not " + groupSize);
        }
        if (round == null || backbone == null || pseudoTraining == null || doctorFineTune == null) {
            throw new IllegalArgumentException("missing training recipe or backbone");
        }
    }

    /**
     * A builder preset to the original recipe (the CLI's defaults): K = 5, E = 9 epochs per round at Adam 3e-4,
     * batch 16, scales 0.75/1/1.25, seed 42, no round cap, final stage off ({@code infnet-compact}, 100 epochs on
     * the pseudo labels and 100 on the doctor labels, both at 1e-4). Every training gets the paper's clamp, decay
     * and training size ({@link TrainConfig#builder}).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Typed builder of {@link PseudoLabelConfig}; see {@link #builder()} for the defaults. */
    public static final class Builder {
        private int k = 5;
        private int epochsPerRound = 9;
        private int batch = 16;
        private double lr = 3e-4;
        private double[] scales = {0.75, 1, 1.25};
        private long seed = 42;
        private int maxRounds;
        private String backbone = InfNetConfig.COMPACT.architecture();
        private boolean finalStage;
        private int finalEpochs = 100;
        private double finalLr = 1e-4;
        private int fineTuneEpochs = 100;
        private double fineTuneLr = 1e-4;

        private Builder() {}

        /** Group size K. */
        public Builder groupSize(int k) {
            this.k = k;
            return this;
        }

        /** E, the epochs of each round, and the rounds' Adam learning rate. */
        public Builder rounds(int epochsPerRound, double lr) {
            this.epochsPerRound = epochsPerRound;
            this.lr = lr;
            return this;
        }

        /** Batch size of every training. */
        public Builder batchSize(int batch) {
            this.batch = batch;
            return this;
        }

        /** Multi-scale rates of every training. */
        public Builder scales(double... scales) {
            this.scales = scales.clone();
            return this;
        }

        /** Shuffle and training seed. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Round cap ({@code <= 0}: none). */
        public Builder maxRounds(int maxRounds) {
            this.maxRounds = maxRounds;
            return this;
        }

        /** Architecture name of the final stage ({@link InfNetConfig#preset}). */
        public Builder backbone(String architecture) {
            this.backbone = architecture;
            return this;
        }

        /** Whether to run the final stage after the last round. */
        public Builder finalStage(boolean on) {
            this.finalStage = on;
            return this;
        }

        /** Epochs and learning rate of the final stage's training on the pseudo labels. */
        public Builder pseudoTraining(int epochs, double lr) {
            this.finalEpochs = epochs;
            this.finalLr = lr;
            return this;
        }

        /** Epochs and learning rate of the final fine-tune on the doctor labels. */
        public Builder doctorFineTune(int epochs, double lr) {
            this.fineTuneEpochs = epochs;
            this.fineTuneLr = lr;
            return this;
        }

        /** The config; the record's constructor checks the values. */
        public PseudoLabelConfig build() {
            TrainConfig base = TrainConfig.builder().epochs(1).batchSize(batch).learningRate((float) lr).scales(scales)
                    .seed(seed).build();
            return new PseudoLabelConfig(k, maxRounds, seed, base.with(epochsPerRound, batch, (float) lr),
                    InfNetConfig.preset(backbone), finalStage, base.with(finalEpochs, batch, (float) finalLr),
                    base.with(fineTuneEpochs, batch, (float) fineTuneLr));
        }
    }

    /** E, the epochs of each round. */
    public int epochsPerRound() {
        return round.epochs();
    }

    /** Number of rounds for {@code unlabelled} slices: {@code ceil(unlabelled / K)}, capped by {@link #maxRounds}. */
    public int rounds(int unlabelled) {
        int all = (unlabelled + groupSize - 1) / groupSize;
        return maxRounds > 0 ? Math.min(all, maxRounds) : all;
    }

    /** A copy with the final stage switched on or off, with the given backbone and recipes. */
    public PseudoLabelConfig withFinalStage(boolean on, InfNetConfig net, TrainConfig pseudo, TrainConfig fineTune) {
        return new PseudoLabelConfig(groupSize, maxRounds, seed, round, net, on, pseudo, fineTune);
    }

    /** The training recipe of round {@code r} (1-based): {@link #round} with seed {@code seed + r}. */
    TrainConfig roundTraining(int r) {
        return withSeed(round, seed + r);
    }

    /** {@code c} with another seed. */
    static TrainConfig withSeed(TrainConfig c, long s) {
        return c.toBuilder().seed(s).build();
    }
}
