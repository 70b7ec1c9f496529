package org.infnet.semisup;

import java.util.List;

/**
 * What one finished round of randomly selected propagation did.
 *
 * @param round 1-based round number
 * @param rounds rounds planned in this run
 * @param group names of the unlabelled slices pseudo-labelled in this round
 * @param poolSize pseudo-labelled slices in the pool after this round
 * @param finalLoss total training loss of the round's last epoch
 * @param valMeanDice validation meanDice after the round (NaN without a validation folder)
 * @param seconds wall time of the round (prediction, writing and training)
 */
public record RoundLog(int round, int rounds, List<String> group, int poolSize, double finalLoss, double valMeanDice,
        double seconds) {

    /** CSV header matching {@link #csv()}. */
    public static final String HEADER = "round,pool,loss,val_meanDice,seconds";

    /** The row as CSV (without the group). */
    public String csv() {
        return String.format(java.util.Locale.ROOT, "%d,%d,%.5f,%.4f,%.1f", round, poolSize, finalLoss, valMeanDice,
                seconds);
    }
}
