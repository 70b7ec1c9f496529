package org.infnet.io;

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
        // many medium tensors, written (so that their pages are resident), then all freed: glibc keeps the pages
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
            double before = NativeHeap.statusMb("VmRSS");
            String report = NativeHeap.trim();
            double after = NativeHeap.statusMb("VmRSS");
            assertNotNull(report, "the JVM should offer System.trim_native_heap on Linux");
            assertTrue(report.contains("Trim native heap"), report);
            assertTrue(before - after > 50, "RSS " + before + " -> " + after + " MB after trimming: " + report);
        }
    }
}
