package org.infnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.infnet.engine.EngineSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run as a user runs it (a fresh JVM through {@link WatchedMain}): it prints only the
 * tool's own lines, and no URL connection is attempted (DJL's cloud-metadata probe is off). The control shows the
 * watch does see DJL's probe where DJL is used with its defaults.
 */
class NoNetworkQuietTest {

    @TempDir
    Path dir;

    record Run(int status, List<String> lines, List<String> urls) {}

    private Run child(String... args) throws IOException, InterruptedException {
        Path report = dir.resolve("urls-" + System.nanoTime() + ".txt");
        Path log = dir.resolve("out-" + System.nanoTime() + ".txt");
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Djava.awt.headless=true", "-Dwatch.report=" + report));
        // the verdict this test JVM's engine set-up cached (no self-check line), and the configuration it forces
        EngineSetup.ensure();
        for (String p : List.of(EngineSetup.CACHE, EngineSetup.ONEDNN)) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WatchedMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("OPT_OUT_TRACKING");
        pb.environment().remove("DJL_OFFLINE");
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child finished");
        List<String> urls = Files.exists(report) ? Files.readAllLines(report) : List.of("(no report)");
        return new Run(p.exitValue(), Files.readAllLines(log, StandardCharsets.UTF_8), urls);
    }

    @Test
    void readmeFirstCommandPrintsOnlyItsOwnLinesAndConnectsNowhere() throws Exception {
        Path out = dir.resolve("out");
        Run seg = child("segment", "test-images/Imgs", "--output", out.toString(), "--edges");
        assertEquals(0, seg.status(), String.join("\n", seg.lines()));
        assertEquals(List.of(), seg.urls(), "URL connections attempted");
        for (String l : seg.lines()) {
            assertTrue(l.matches("phantom_0[1-8]\\.png: \\d+ infected pixels \\(.*\\) -> .*")
                    || l.matches("segmented 8 file\\(s\\) with model infnet-compact on [a-z]+ in .* s; outputs in .*"),
                    "not one of the tool's lines: '" + l + "' in\n" + String.join("\n", seg.lines()));
        }
        assertEquals(9, seg.lines().size(), String.join("\n", seg.lines()));
        Run eval = child("evaluate", "--pred", out.toString(), "--gt", "test-images/GT");
        assertEquals(0, eval.status(), String.join("\n", eval.lines()));
        assertEquals(List.of(), eval.urls());
        assertEquals(3, eval.lines().size(), String.join("\n", eval.lines()));
        assertTrue(eval.lines().get(0).startsWith("meanDic:") && eval.lines().get(2).equals("images: 8"),
                String.join("\n", eval.lines()));
    }

    @Test
    void watchSeesDjlsCloudMetadataProbeWhenDjlRunsWithItsDefaults() throws Exception {
        Run plain = child("--plain-djl");
        assertEquals(0, plain.status(), String.join("\n", plain.lines()));
        assertTrue(plain.urls().stream().anyMatch(u -> u.contains("169.254.169.254")),
                "DJL's probe not seen, so the watch would prove nothing: " + plain.urls());
    }

    @Test
    void verboseKeepsDjlsLogLines() throws Exception {
        Run seg = child("segment", "test-images/Imgs/phantom_01.png", "--output", dir.resolve("v").toString(),
                "--verbose");
        assertEquals(0, seg.status(), String.join("\n", seg.lines()));
        assertTrue(seg.lines().stream().anyMatch(l -> l.contains("ai.djl")), String.join("\n", seg.lines()));
        assertTrue(seg.lines().stream().anyMatch(l -> l.startsWith("Inf-Net: PyTorch engine with oneDNN")),
                String.join("\n", seg.lines()));
        assertEquals(List.of(), seg.urls(), "verbose is still offline");
    }
}
