package org.infnet.io;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeHeapTest {

    /** VmRSS of this process in MB. */
    private static double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS");
    }

    @Test
    void trimGivesFreedEngineMemoryBackToTheSystem() throws IOException {
        NativeHeap.trim();
        // many medium tensors, written (so that their pages are resident), then all freed: glibc keeps the pages
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> held = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                held.add(m.ones(new Shape(256, 1024)).add(i)); // 1 MB each, the ones() freed at once
            }
            for (NDArray a : held) {
                a.close();
            }
            double before = rssMb();
            String report = NativeHeap.trim();
            double after = rssMb();
            assertNotNull(report, "the JVM should offer System.trim_native_heap on Linux");
            assertTrue(report.contains("Trim native heap"), report);
            assertTrue(before - after > 50, "RSS " + before + " -> " + after + " MB after trimming: " + report);
        }
    }

}
