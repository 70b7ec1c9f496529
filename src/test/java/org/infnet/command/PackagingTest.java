package org.infnet.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.infnet.ij1.PluginsConfig;
import org.junit.jupiter.api.Test;
import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/** What Fiji needs from the jar: a SciJava plugin index naming every command, and plugins.config. */
class PackagingTest {

    @Test
    void pluginIndexListsEveryCommandClass() throws Exception {
        Set<String> annotated = new TreeSet<>();
        Path pkg = Path.of("target", "classes", "org", "infnet", "command");
        try (Stream<Path> s = Files.list(pkg)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")).toList()) {
                String name = "org.infnet.command." + p.getFileName().toString().replace(".class", "");
                Class<?> c = Class.forName(name);
                Plugin a = c.getAnnotation(Plugin.class);
                if (a != null && a.type() == Command.class) {
                    annotated.add(name);
                    assertTrue(a.menuPath().startsWith("Plugins>Inf-Net>"), name + " menu " + a.menuPath());
                }
            }
        }
        assertTrue(annotated.size() >= 5, "commands: " + annotated);
        String index;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/json/org.scijava.plugin.Plugin")) {
            assertNotNull(in, "SciJava annotation index is generated into the jar");
            index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> indexed = annotated.stream().filter(n -> index.contains("\"" + n + "\"")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(annotated, indexed);
    }

    @Test
    void pluginsConfigIsBundledAndEveryMacroEntryPointsAtABundledMacro() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/plugins.config")) {
            assertNotNull(in, "plugins.config is a jar resource");
            for (PluginsConfig.Entry e : PluginsConfig.read(in)) {
                if (e.command().contains("JAR:")) {
                    assertNotNull(getClass().getResource("/" + e.command().replaceAll(".*JAR:([^\"]+)\".*", "$1")),
                            "bundled macro of " + e.label());
                }
            }
        }
    }
}
