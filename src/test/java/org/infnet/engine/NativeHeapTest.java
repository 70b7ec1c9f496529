package org.infnet.engine;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeHeapTest {

    @Test
    void trimGivesFreedEngineMemoryBackToTheSystem() {
        NativeHeap.trim();
        touchAndFree200Mb();
        double before = NativeHeap.statusMb("VmRSS");
        String report = NativeHeap.trim();
        double after = NativeHeap.statusMb("VmRSS");
        assertNotNull(report, "the JVM should offer System.trim_native_heap on Linux");
        assertTrue(report.contains("Trim native heap"), report);
        assertTrue(before - after > 50, "RSS " + before + " -> " + after + " MB after trimming: " + report);
    }

    @Test
    void resetPeakStartsANewPeakAndKeepsTheProcessPeak() {
        touchAndFree200Mb();
        NativeHeap.trim();
        double peak = NativeHeap.statusMb("VmHWM");
        assertTrue(NativeHeap.resetPeak(), "Linux should let a process reset its peak RSS");
        double since = NativeHeap.statusMb("VmHWM");
        assertTrue(since < peak - 50, "peak " + peak + " MB, after the reset " + since + " MB");
        assertTrue(NativeHeap.peakMb() >= peak, NativeHeap.peakMb() + " MB lost the peak of " + peak);
    }

    /** Many medium tensors, written (so that their pages are resident), then all freed: glibc keeps the pages. */
    private static void touchAndFree200Mb() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> held = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                try (NDArray one = m.ones(new Shape(256, 1024))) { // 1 MB each
                    held.add(one.add(i));
                }
            }
            for (NDArray a : held) {
                a.close();
            }
        }
    }
}
