package org.infnet.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The program {@link AtomicFilesTerminationTest} terminates: in folder {@code args[0]} it writes the complete group
 * {@code c.txt}, {@code d.txt}, then begins a group with {@code a.txt} written and {@code b.txt} being written, prints
 * {@code WRITING} and waits to be killed.
 */
public final class TerminationChild {

    private TerminationChild() {}

    /** Entry point; see the class description. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = Path.of(args[0]);
        try (AtomicFiles.Group g = AtomicFiles.Group.begin()) {
            AtomicFiles.writeString(dir.resolve("c.txt"), "c");
            AtomicFiles.writeString(dir.resolve("d.txt"), "d");
            g.commit();
        }
        try (AtomicFiles.Group g = AtomicFiles.Group.begin()) {
            AtomicFiles.writeString(dir.resolve("a.txt"), "a");
            AtomicFiles.write(dir.resolve("b.txt"), out -> {
                out.write("partial".getBytes(StandardCharsets.UTF_8));
                out.flush();
                System.out.println("WRITING");
                System.out.flush();
                try {
                    Thread.sleep(120_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            g.commit();
        }
    }
}
