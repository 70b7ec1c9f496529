package org.infnet.command;

import org.infnet.infer.Progress;
import org.scijava.app.StatusService;

/** Reports core progress on the SciJava status bar; cancelled when the command thread is interrupted. */
final class CommandProgress implements Progress {

    private final StatusService status;

    CommandProgress(StatusService status) {
        this.status = status;
    }

    @Override
    public void update(int done, int total, String what) {
        if (status != null) {
            status.showStatus(done, total, "Inf-Net: " + what);
        }
    }

    @Override
    public boolean cancelled() {
        return Thread.currentThread().isInterrupted();
    }
}
