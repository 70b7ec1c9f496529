package org.infnet.train;

/** Receives training progress; implementations must be quick. Also the cancellation hook. */
public interface TrainingListener {

    /** Called after each optimizer step (all scales of one batch). */
    default void onStep(int epoch, int step, int stepsPerEpoch, double loss) {}

    /** Called after each epoch with its log row. */
    default void onEpoch(EpochLog log) {}

    /** Free-text progress messages (checkpoint written, resumed, ...). */
    default void onMessage(String message) {}

    /** Polled between steps; returning true stops training after a checkpoint. */
    default boolean cancelled() {
        return false;
    }

    /** A listener that does nothing. */
    TrainingListener NONE = new TrainingListener() {};
}
