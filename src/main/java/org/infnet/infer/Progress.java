package org.infnet.infer;

/** Progress reporting and cancellation for long-running core operations. */
public interface Progress {

    /** Called after each unit of work ({@code done} of {@code total}). */
    default void update(int done, int total, String what) {}

    /** Polled between units of work; true stops the operation with a {@link java.util.concurrent.CancellationException}. */
    default boolean cancelled() {
        return false;
    }

    /** Throws {@link java.util.concurrent.CancellationException} when cancelled. */
    default void checkCancelled() {
        if (cancelled()) {
            throw new java.util.concurrent.CancellationException("cancelled by the user");
        }
    }

    /** Progress that reports nothing and never cancels. */
    Progress NONE = new Progress() {};
}
