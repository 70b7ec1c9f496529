package org.infnet.train;

import java.util.List;
import java.util.Map;
import org.infnet.model.NetworkModel;
import org.infnet.train.data.TrainingSample;

/**
 * What one kind of network learns, plugged into the one {@link Trainer}: its optimiser, its targets and loss
 * (through {@link #batch}), its validation metric and model-selection score, and how an epoch is written to
 * {@code history.csv}. {@link InfNetObjective} (infection and edge maps, the paper's loss) and {@link
 * MultiClassObjective} (GGO / consolidation, sigmoid + BCE) are the two.
 *
 * @param <S> training sample
 * @param <V> validation result
 */
public interface Objective<S extends TrainingSample<S>, V> {

    /** The network being trained (its descriptor is reused for saved models). */
    NetworkModel<?> model();

    /** The optimiser over {@code model().parameters()} for {@code cfg}; the trainer closes it. */
    Optimiser newOptimiser(TrainConfig cfg);

    /** Number of loss terms {@link Batch#forwardBackward} returns. */
    int lossTerms();

    /**
     * The targets of one training batch, all samples {@code cfg.trainSize()} square. With {@code
     * cfg.augment().active()}, sample {@code k} is augmented with a generator seeded {@code augmentSeeds[k]}
     * (the samples' own arrays are never changed).
     */
    Batch batch(List<S> samples, long[] augmentSeeds, TrainConfig cfg);

    /** One training batch, ready for a pass at any scale. */
    interface Batch {

        /**
         * Forward pass, loss and backward pass with the batch resized to {@code side} (bilinear,
         * align_corners=True, when it differs from the training size): gradients accumulate in the parameters;
         * every array of the pass is freed before returning.
         *
         * @return the loss terms (their float sum is the loss)
         */
        float[] forwardBackward(int side);
    }

    /** Validates the current weights on samples at their native sizes. */
    V validate(List<S> samples);

    /** The model-selection score of a validation result (higher is better). */
    double score(V v);

    /** The metrics recorded in saved descriptors. */
    Map<String, Double> metrics(V v);

    /** The header of {@code history.csv}. */
    String historyHeader();

    /**
     * The {@code history.csv} row of a finished epoch.
     *
     * @param meanLoss per loss term, the mean over the epoch's steps and scales
     * @param v validation result or null
     */
    String historyRow(int epoch, float lr, double[] meanLoss, V v, double seconds);

    /** Announces a finished epoch (after its checkpoint) with its history row. */
    void announce(String row, TrainingListener listener);

    /** The training recipe in words, for the descriptor's provenance. */
    String recipe(TrainConfig cfg);
}
