package org.infnet.util;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fixed pools of daemon threads behind the project's parallel loops (segmentation streams, files segmented at
 * once, gzip members), and how they end and report failures.
 */
public final class Workers {

    private Workers() {}

    /** A pool of {@code threads} daemon threads named {@code name-1}, {@code name-2}, ... */
    public static ExecutorService pool(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Shuts {@code pool} down, interrupting its workers when {@code interrupt}, and waits (up to 10 minutes) until
     * they have ended, so that no worker still writes after the caller returns. An interrupt of the waiting thread
     * ends the wait and is kept on the thread.
     */
    public static void stop(ExecutorService pool, boolean interrupt) {
        if (interrupt) {
            pool.shutdownNow();
        } else {
            pool.shutdown();
        }
        try {
            pool.awaitTermination(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Rethrows a worker's failure {@code cause} when it is unchecked ({@link RuntimeException} or {@link Error});
     * returns a checked one for the caller to wrap or rethrow.
     */
    public static Throwable rethrowUnchecked(Throwable cause) {
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return cause;
    }
}
