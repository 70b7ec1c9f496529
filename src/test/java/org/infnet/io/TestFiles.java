package org.infnet.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** File helpers shared by tests that check what was (not) written. */
public final class TestFiles {

    private TestFiles() {}

    /** The names in {@code folder}, sorted (hidden temporary files included); empty if it does not exist. */
    public static List<String> listing(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
