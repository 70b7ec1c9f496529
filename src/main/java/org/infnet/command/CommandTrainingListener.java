package org.infnet.command;

import org.infnet.train.EpochLog;
import org.infnet.train.TrainingListener;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;

/**
 * Training progress as the training commands report it: the status bar after every step, one log line per epoch
 * and per trainer message, and cancellation when the command's thread is interrupted (Fiji's cancel).
 */
final class CommandTrainingListener implements TrainingListener {

    private final StatusService status;
    private final LogService log;
    private final String what;
    private final int epochs;

    /**
     * @param status status bar, or null
     * @param log log
     * @param what name of the run in messages, e.g. "Inf-Net training"
     * @param epochs epochs of the run (the status bar's total)
     */
    CommandTrainingListener(StatusService status, LogService log, String what, int epochs) {
        this.status = status;
        this.log = log;
        this.what = what;
        this.epochs = epochs;
    }

    @Override
    public void onStep(int epoch, int step, int steps, double loss) {
        if (status != null) {
            status.showStatus(epoch * steps + step, epochs * steps,
                    String.format(java.util.Locale.ROOT, "%s: epoch %d, step %d/%d, loss %.4f", what, epoch + 1, step,
                            steps, loss));
        }
    }

    @Override
    public void onEpoch(EpochLog row) {
        log.info(what + " " + EpochLog.HEADER + "\n" + row.csv());
    }

    @Override
    public void onMessage(String message) {
        log.info(what + ": " + message);
    }

    @Override
    public boolean cancelled() {
        return Thread.currentThread().isInterrupted();
    }
}
