package org.infnet.command;

import ij.IJ;
import org.infnet.infer.Progress;
import org.scijava.app.StatusService;

/**
 * Reports core progress on the SciJava status bar and, when ImageJ 1.x runs with a window, on its status bar and
 * progress bar ("Inf-Net: slice 12/48 (Esc cancels)"). Cancelled when the command thread is interrupted or when
 * ImageJ 1.x's Esc flag is set ({@link IJ#escapePressed()}; the flag is cleared when the progress is created, so an
 * earlier Esc does not cancel a new run).
 */
final class CommandProgress implements Progress {

    private final StatusService status;
    private final boolean ij1;

    CommandProgress(StatusService status) {
        this.status = status;
        this.ij1 = IJ.getInstance() != null;
        IJ.resetEscape();
    }

    @Override
    public void update(int done, int total, String what) {
        if (status != null) {
            status.showStatus(done, total, "Inf-Net: " + what);
        }
        if (ij1) {
            IJ.showStatus("Inf-Net: " + what + (done < total ? " (Esc cancels)" : ""));
            IJ.showProgress(done, total);
        }
    }

    @Override
    public boolean cancelled() {
        return Thread.currentThread().isInterrupted() || IJ.escapePressed();
    }
}
