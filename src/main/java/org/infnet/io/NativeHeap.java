package org.infnet.io;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Gives memory that native code has freed back to the operating system.
 *
 * <p>PyTorch frees a pass's tensors with {@code free}, but the C library keeps freed blocks in its arenas for later
 * use, so a long segmentation run's resident set size (RSS) keeps the high-water mark of every arena (and of the
 * JIT compiler's scratch memory) although nothing leaks. {@link #trim()} asks the JVM to run its {@code
 * System.trim_native_heap} diagnostic command ({@code malloc_trim} on glibc; JDK 17.0.9+, 21+), the same as
 * {@code -XX:TrimNativeHeapInterval} does periodically; {@link #trimIfDue()} does it at most once per
 * {@link #INTERVAL_NANOS}, which is what the segmenters call after each image. Where the command does not exist (an
 * older JVM, another C library) both are no-ops. {@code -Dinfnet.trimNativeHeap=false} turns both off (for A/B
 * measurements).
 */
public final class NativeHeap {

    /**
     * Least time between two trims by {@link #trimIfDue()}: ten seconds. A trim makes the next passes fault their
     * scratch memory in again (about 250 MB for the compact model at batch 4), which costs time, so a run of many
     * images trims rarely; a single segmentation still gives its memory back when it ends.
     */
    public static final long INTERVAL_NANOS = 10_000_000_000L;

    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("infnet.trimNativeHeap"));
    private static final AtomicLong LAST = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
    private static volatile boolean unavailable;

    private NativeHeap() {}

    /**
     * Trims the native heap now.
     *
     * @return the JVM's report (e.g. {@code "Trim native heap: RSS+Swap: 620M->450M (-170M)"}), or null when
     *     trimming is off or not available on this JVM
     */
    public static String trim() {
        if (!ENABLED || unavailable) {
            return null;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object r = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap", new Object[0], new String[0]);
            return String.valueOf(r).trim();
        } catch (JMException | RuntimeException | LinkageError e) {
            unavailable = true; // not this JVM's: do not ask again
            return null;
        }
    }

    /**
     * Trims the native heap if at least {@link #INTERVAL_NANOS} have passed since the last trim by this method (from
     * any thread); otherwise does nothing.
     *
     * @return whether a trim was made
     */
    public static boolean trimIfDue() {
        return claim(LAST, System.nanoTime()) && trim() != null;
    }

    /**
     * Whether a trim is due at time {@code now}, given the time of the last one in {@code last}; if so {@code now}
     * becomes the last trim time (of all threads asking at once, one gets true).
     */
    static boolean claim(AtomicLong last, long now) {
        long t = last.get();
        return now - t >= INTERVAL_NANOS && last.compareAndSet(t, now);
    }
}
