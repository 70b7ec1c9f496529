package org.infnet.infer;

/**
 * Tells when the slices of a stack that is still being filled (for example read from a file on another thread)
 * hold their values, so that segmentation can start before the whole stack is there.
 */
@FunctionalInterface
public interface SlicesReady {
    /** All slices already hold their values. */
    SlicesReady ALL = count -> { };

    /**
     * Returns once slices {@code 0 <= z < count} hold their values (slices fill in increasing z).
     *
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws RuntimeException (e.g. {@link java.io.UncheckedIOException}) when they never will: the segmentation
     *     fails with it
     */
    void await(int count) throws InterruptedException;
}
