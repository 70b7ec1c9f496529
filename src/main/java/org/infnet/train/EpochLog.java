package org.infnet.train;

/**
 * One row of the training history.
 *
 * @param epoch 1-based epoch number
 * @param learningRate learning rate used
 * @param map5 mean loss of lateral map 5 over the epoch's steps and scales
 * @param map4 same for map 4
 * @param map3 same for map 3
 * @param map2 same for map 2
 * @param edge mean edge loss
 * @param valMeanDice validation meanDice (paper protocol), NaN without validation set
 * @param valDice05 validation Dice at threshold 0.5, NaN without validation set
 * @param valMae validation MAE, NaN without validation set
 * @param seconds wall time of the epoch (training and validation)
 */
public record EpochLog(int epoch, float learningRate, double map5, double map4, double map3, double map2,
        double edge, double valMeanDice, double valDice05, double valMae, double seconds) {

    /** CSV header matching {@link #csv()}. */
    public static final String HEADER = "epoch,lr,loss_map5,loss_map4,loss_map3,loss_map2,loss_edge,val_meanDice,val_dice05,val_mae,seconds";

    /** The row as CSV. */
    public String csv() {
        return String.format(java.util.Locale.ROOT, "%d,%.3g,%.5f,%.5f,%.5f,%.5f,%.5f,%.4f,%.4f,%.4f,%.1f",
                epoch, learningRate, map5, map4, map3, map2, edge, valMeanDice, valDice05, valMae, seconds);
    }

    /**
     * Parses a row written by {@link #csv()}.
     *
     * @throws NumberFormatException if the row is not such a row
     */
    public static EpochLog parse(String row) {
        String[] f = row.split(",");
        if (f.length != 11) {
            throw new NumberFormatException("not a training history row (11 fields): " + row);
        }
        return new EpochLog(Integer.parseInt(f[0]), Float.parseFloat(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]),
                Double.parseDouble(f[9]), Double.parseDouble(f[10]));
    }

    /** The rows of {@code history.csv} (as {@link Trainer#run} returns them), parsed. */
    public static java.util.List<EpochLog> parseAll(java.util.List<String> rows) {
        return rows.stream().map(EpochLog::parse).toList();
    }

    /** Sum of the five loss terms. */
    public double totalLoss() {
        return map5 + map4 + map3 + map2 + edge;
    }
}
