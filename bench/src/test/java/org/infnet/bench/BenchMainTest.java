package org.infnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bench module's commands, run in-process as {@code java -jar Inf_Net-bench.jar} runs them. */
class BenchMainTest {

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int s = BenchMain.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(s, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownCommandsAndBadArgumentsAreUsageErrors() {
        assertEquals(2, run().status());
        Run unknown = run("segment");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("error: unknown command 'segment'"), unknown.err());
        Run bad = run("bench", "--runz", "2");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("unknown option --runz"), bad.err());
        assertEquals(2, run("readme-picture", "a.png").status());
    }

    @Test
    void rssBenchSamplesResidentMemoryAndMemoryInUse() {
        Run r = run("bench", "--rss", "8", "--batch", "4", "--trim", "--maps");
        assertEquals(0, r.status(), r.err());
        String[] samples = r.out().lines().filter(l -> l.matches("[48],.*")).toArray(String[]::new);
        assertEquals(2, samples.length, r.out());
        for (String l : samples) {
            String[] c = l.split(",");
            assertEquals(8, c.length, l); // slices, VmRSS, heap, non-heap, rest, seconds, window peak, trimmed VmRSS
            double rss = Double.parseDouble(c[1]);
            double peak = Double.parseDouble(c[6]);
            double trimmed = Double.parseDouble(c[7]);
            // the peak since the previous sample is at least the RSS now; a trim returns memory and adds none (the
            // slack is for what the first diagnostic-command call allocates)
            assertTrue(rss > 100 && peak >= rss && trimmed > 50 && trimmed <= rss + 64, l);
        }
        assertTrue(r.out().contains("RSS after 8 slices / after 4 slices") && r.out().contains("in use (RSS once")
                && r.out().contains("peak RSS over the last 4 slices / over the first 4"), r.out());
        long maps = r.out().lines().filter(l -> l.matches("  resident by mapping: glibc arenas \\d+ MB, .*")).count();
        assertEquals(2, maps, r.out());
    }
}
