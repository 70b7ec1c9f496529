package org.infnet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run terminated while writing (issue 19, item 12): SIGTERM leaves complete groups only and no temporary file;
 * what SIGKILL leaves behind is removed by the next write into the folder, without touching the temporary files of
 * running processes. Plus the temporary file's name is short (item 11) and its mode follows the umask (item 10).
 */
class AtomicFilesTerminationTest {

    @TempDir
    Path dir;

    /** Starts {@link TerminationChild} on {@code dir} and returns it once it is writing {@code b.txt}. */
    private Process childWriting() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                TerminationChild.class.getName(), dir.toString()).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = r.readLine()) != null && !line.equals("WRITING")) {
            seen.append(line).append('\n');
        }
        assertEquals("WRITING", line, "child output: " + seen);
        return p;
    }

    @Test
    void sigtermLeavesCompleteGroupsOnlyAndNoTemporaryFile() throws Exception {
        Process p = childWriting();
        assertTrue(TestFiles.listing(dir).stream().anyMatch(n -> n.startsWith(".infnet-")), "b.txt is being written");
        assertEquals(List.of("a.txt", "c.txt", "d.txt"), TestFiles.listing(dir).stream()
                .filter(n -> !n.startsWith(".")).toList());
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(List.of("c.txt", "d.txt"), TestFiles.listing(dir), "a.txt's group was not complete");
    }

    @Test
    void sigkillLeftoversAreRemovedByTheNextWriteAndLiveOnesKept() throws Exception {
        Process p = childWriting();
        p.destroyForcibly(); // SIGKILL: no hook runs
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String dead = ".infnet-" + AtomicFiles.HOST + "-" + p.pid() + "-4.part"; // the fourth file it began
        assertEquals(List.of(dead, "a.txt", "c.txt", "d.txt"), TestFiles.listing(dir));
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow();
        String live = ".infnet-" + AtomicFiles.HOST + "-" + parent + "-1.part";
        String otherHostOld = ".infnet-0badc0de-1-1.part";
        String otherHostNew = ".infnet-0badc0de-2-1.part";
        String lookalike = ".infnet-notes.part.txt";
        for (String n : List.of(live, otherHostOld, otherHostNew, lookalike)) {
            Files.writeString(dir.resolve(n), "x");
        }
        Files.setLastModifiedTime(dir.resolve(otherHostOld), FileTime.fromMillis(System.currentTimeMillis()
                - 2 * 24 * 3600_000L));
        AtomicFiles.writeString(dir.resolve("e.txt"), "e");
        assertEquals(List.of(live, otherHostNew, lookalike, "a.txt", "c.txt", "d.txt", "e.txt"),
                TestFiles.listing(dir));
    }

    @Test
    void temporaryNameIsShortAndOutputsGetTheUmaskMode() throws IOException {
        String name = "n".repeat(251) + ".txt";
        AtomicFiles.writeString(dir.resolve(name), "x");
        assertEquals(List.of(name), TestFiles.listing(dir));
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(dir.resolve(name)));
        // an existing file keeps its own mode when it is replaced
        Files.setPosixFilePermissions(plain, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.writeString(plain, "y");
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(plain)));
    }
}
