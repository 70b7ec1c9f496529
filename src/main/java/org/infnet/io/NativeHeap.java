package org.infnet.io;

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
 * after a trim against 586-650 MB around it, in a {@code bench --rss 1000} run while segmentations trimmed); the
 * core does not call it, since the next batch would fault the same memory in again. Where the command does not
 * exist (an older JVM, another C library) it is a no-op; {@code -Dinfnet.trimNativeHeap=false}
 * turns it off.
 */
public final class NativeHeap {

    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("infnet.trimNativeHeap"));
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
