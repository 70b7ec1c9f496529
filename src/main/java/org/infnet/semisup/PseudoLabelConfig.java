package org.infnet.semisup;

import org.infnet.nn.InfNetConfig;
import org.infnet.train.TrainConfig;

/**
 * Parameters of Semi-Inf-Net's randomly selected propagation. The original recipe is K = 5, 9 epochs per
 * round at Adam 3e-4, batch 16, then 100 epochs on the pseudo labels and a fine-tune on the doctor labels
 * (the CLI's defaults, {@link #of}).
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
     * A config from flat values (as the CLI and the Fiji command take them), with the paper's clamp, decay
     * and training size.
     *
     * @param k group size K
     * @param epochsPerRound E
     * @param batch batch size of every training
     * @param lr Adam learning rate of the rounds
     * @param scales multi-scale rates of every training
     * @param seed shuffle and training seed
     * @param maxRounds round cap ({@code <= 0}: none)
     * @param backbone architecture name of the final stage ({@link InfNetConfig#preset})
     * @param finalStage whether to run the final stage
     * @param finalEpochs epochs of the final stage's training on the pseudo labels
     * @param finalLr its learning rate
     * @param fineTuneEpochs epochs of the final fine-tune on the doctor labels
     * @param fineTuneLr its learning rate
     */
    public static PseudoLabelConfig of(int k, int epochsPerRound, int batch, double lr, double[] scales, long seed,
            int maxRounds, String backbone, boolean finalStage, int finalEpochs, double finalLr, int fineTuneEpochs,
            double fineTuneLr) {
        TrainConfig p = TrainConfig.paper();
        TrainConfig base = TrainConfig.builder().epochs(1).batchSize(batch).learningRate((float) lr).scales(scales)
                .seed(seed).build();
        return new PseudoLabelConfig(k, maxRounds, seed, base.with(epochsPerRound, batch, (float) lr),
                InfNetConfig.preset(backbone), finalStage, base.with(finalEpochs, batch, (float) finalLr),
                base.with(fineTuneEpochs, batch, (float) fineTuneLr));
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
