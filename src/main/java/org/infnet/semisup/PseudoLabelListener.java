package org.infnet.semisup;

import java.util.function.Consumer;
import org.infnet.infer.Progress;
import org.infnet.train.TrainingListener;

/**
 * Progress and cancellation of a pseudo-labelling run: the training callbacks of every round's fine-tune
 * (and of the final stage), plus one call per finished round. Implementations must be quick.
 */
public interface PseudoLabelListener extends TrainingListener {

    /** Called after each finished round, once its state is on disk. */
    default void onRound(RoundLog log) {}

    /** A listener that does nothing. */
    PseudoLabelListener NONE = new PseudoLabelListener() {};

    /**
     * A listener that reports rounds (and steps within a round) to {@code progress}, sends messages and
     * round rows to {@code messages}, and is cancelled when {@code progress} is.
     */
    static PseudoLabelListener reporting(Progress progress, Consumer<String> messages) {
        return new PseudoLabelListener() {
            private String round = "";

            @Override
            public void onStep(int epoch, int step, int steps, double loss) {
                progress.update(step, steps, String.format(java.util.Locale.ROOT,
                        "pseudo labels%s: epoch %d, step %d/%d, loss %.4f", round, epoch + 1, step, steps, loss));
            }

            @Override
            public void onMessage(String message) {
                if (message.startsWith("round ")) {
                    int colon = message.indexOf(':');
                    round = colon > 0 ? ", " + message.substring(0, colon) : round;
                }
                messages.accept(message);
            }

            @Override
            public void onRound(RoundLog log) {
                progress.update(log.round(), log.rounds(), "pseudo labels: round " + log.round() + "/" + log.rounds()
                        + " done, pool " + log.poolSize());
                messages.accept(RoundLog.HEADER + "\n" + log.csv());
            }

            @Override
            public boolean cancelled() {
                return progress.cancelled();
            }
        };
    }
}
