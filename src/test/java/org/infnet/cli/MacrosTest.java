package org.infnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infnet.infer.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled macros run as ImageJ 1.x runs them, and plugins.config points at files that exist. */
class MacrosTest {

    @TempDir
    Path dir;

    @Test
    void segmentFolderMacroWritesOutputsForEveryTestImage() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path model = TestModels.randomCompact(dir.resolve("model"));
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        for (String n : List.of("phantom_01.png", "phantom_05.png")) {
            Files.copy(Path.of("test-images", "Imgs", n), in.resolve(n));
        }
        Path out = dir.resolve("out");
        String macro = Files.readString(Path.of("macros", "Segment_Folder.ijm"), StandardCharsets.UTF_8);
        String ret = IJ.runMacro(macro, in + "," + out + "," + model + ",0.5");
        assertTrue(ret == null || !ret.startsWith("[aborted]"), ret);
        for (String n : List.of("phantom_01", "phantom_05")) {
            assertTrue(Files.exists(out.resolve(n + "_prob.tif")), n);
            assertTrue(Files.exists(out.resolve(n + "_mask.png")), n);
            assertTrue(Files.exists(out.resolve(n + "_edge.tif")), n);
        }
    }

    @Test
    void pluginsConfigEntriesPointAtBundledMacros() throws Exception {
        for (String line : Files.readAllLines(Path.of("plugins.config"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int i = line.indexOf("JAR:");
            assertTrue(i > 0, "entry runs a bundled macro: " + line);
            String path = line.substring(i + 4, line.indexOf('"', i));
            assertTrue(Files.exists(Path.of(path)), path);
            assertTrue(line.startsWith("Plugins>Inf-Net>Examples,"), line);
        }
    }

    @Test
    void macroCommandLineSplitsQuotedWords() {
        assertArrayEquals(new String[] {"segment", "/a b/c", "--output", "x"},
                MacroFunctions.split("segment \"/a b/c\" --output x"));
        assertEquals("error: unknown command 'nope'", MacroFunctions.run("nope").lines().findFirst().orElse(""));
    }
}
