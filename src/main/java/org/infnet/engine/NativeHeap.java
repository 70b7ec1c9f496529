package org.infnet.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code -XX:TrimNativeHeapInterval} does periodically. The Fiji segmentation commands call it when they end, so
 * that a Fiji session gets the engine's scratch memory back between jobs (compact model at batch 4: 347 MB just
 * after a trim against 586-650 MB around it, in a {@code bench --rss 1000} run while segmentations trimmed). The
 * core does not call it: the next batch faults the same memory in again, which costs more than the trim itself
 * ({@code org.infnet.bench.ab.TrimCost}: a trim every 8 batches of 4 slices costs 11.6 % of the time, 42 ms for the
 * trim and 123 ms more for the batch after it). Where the command does not exist (an older JVM, another C library)
 * it is a no-op.
 *
 * <p>{@link #resetPeak()} and {@link #peakMb()} let a benchmark read the peak RSS of a stretch of a run.
 */
public final class NativeHeap {

    private static volatile boolean unavailable;
    private static double peakBeforeReset;

    private NativeHeap() {}

    /**
     * Trims the native heap now.
     *
     * @return the JVM's report (e.g. {@code "Trim native heap: RSS+Swap: 620M->450M (-170M)"}), or null when
     *     trimming is not available on this JVM
     */
    public static String trim() {
        if (unavailable) {
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
     * Starts a new peak: Linux then reports the current RSS as {@code VmHWM} (writing 5 to {@code
     * /proc/self/clear_refs}), so that {@code statusMb("VmHWM")} is the peak since this call. The process's own
     * peak is kept for {@link #peakMb()}.
     *
     * @return false where the peak cannot be reset (off Linux, or a kernel before 4.0)
     */
    public static synchronized boolean resetPeak() {
        double before = statusMb("VmHWM");
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            return false;
        }
        peakBeforeReset = Math.max(peakBeforeReset, before);
        return true;
    }

    /** The process's peak RSS in MB, including the peaks before any {@link #resetPeak()}; NaN off Linux. */
    public static synchronized double peakMb() {
        return Math.max(peakBeforeReset, statusMb("VmHWM"));
    }

    /** A {@code /proc/self/status} field in MB ({@code VmRSS}: resident now, {@code VmHWM}: peak), or NaN off Linux. */
    public static double statusMb(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
