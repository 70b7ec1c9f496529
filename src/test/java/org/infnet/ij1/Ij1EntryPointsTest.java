package org.infnet.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.plugin.PlugIn;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * Plain ImageJ 1.x gets its menu from {@code plugins.config} only: every Inf-Net SciJava command must have an
 * entry there under the same menu and label (so that Fiji's ImageJ2 command of that label takes it over), whose
 * class exists, is an ImageJ 1.x {@link PlugIn} with a public no-argument constructor, and whose argument is
 * that command's class.
 */
class Ij1EntryPointsTest {

    private static final Pattern CALL = Pattern.compile("([\\w.$]+)\\(\"([^\"]*)\"\\)");

    private static List<PluginsConfig.Entry> config() throws Exception {
        try (InputStream in = Files.newInputStream(Path.of("plugins.config"))) {
            return PluginsConfig.read(in);
        }
    }

    @Test
    void theJarBundlesTheRepositorysPluginsConfig() throws Exception {
        assertEquals(config(), PluginsConfig.bundled());
    }

    @Test
    void everySciJavaCommandHasAnImageJ1EntryOfTheSameMenuAndLabelThatRunsIt() throws Exception {
        Map<String, PluginsConfig.Entry> byLabel = new LinkedHashMap<>();
        for (PluginsConfig.Entry e : config()) {
            assertTrue(byLabel.putIfAbsent(e.label(), e) == null, "label used twice: " + e.label());
        }
        try (Context ctx = new Context(CommandService.class)) {
            List<CommandInfo> commands = CommandBridge.commands(ctx);
            assertTrue(commands.size() >= 8, "commands: " + commands.size());
            for (CommandInfo info : commands) {
                String label = CommandBridge.label(info);
                PluginsConfig.Entry e = byLabel.get(label);
                assertNotNull(e, "no plugins.config entry for the command '" + label + "'");
                var path = info.getMenuPath();
                String menu = String.join(">", path.subList(0, path.size() - 1).stream().map(m -> m.getName()).toList());
                assertEquals(menu, e.menu(), label);
                Matcher m = CALL.matcher(e.command());
                assertTrue(m.matches(), e.command());
                Class<?> plugin = Class.forName(m.group(1));
                assertTrue(PlugIn.class.isAssignableFrom(plugin), plugin + " is an ImageJ 1.x PlugIn");
                assertNotNull(plugin.getConstructor().newInstance());
                assertEquals(info.getClassName(), m.group(2), "the entry of '" + label + "' runs its command");
            }
            // and no entry names a command that does not exist (a stale entry would fail only when clicked)
            for (PluginsConfig.Entry e : config()) {
                Matcher m = CALL.matcher(e.command());
                assertTrue(m.matches(), e.command());
                if (m.group(1).equals(InfNetPlugIn.class.getName())) {
                    Class<?> c = Class.forName(m.group(2));
                    assertTrue(Command.class.isAssignableFrom(c), c + " is a SciJava command");
                    assertTrue(commands.stream().anyMatch(i -> i.getClassName().equals(m.group(2))
                            && CommandBridge.label(i).equals(e.label())), e.toString());
                } else {
                    assertEquals("ij.plugin.Macro_Runner", m.group(1), e.toString());
                    assertEquals(CommandBridge.MENU_ROOT + ">Examples", e.menu(), e.toString());
                    assertTrue(m.group(2).startsWith("JAR:"), e.command());
                    assertNotNull(getClass().getResource("/" + m.group(2).substring(4)), "bundled " + m.group(2));
                }
            }
        }
    }
}
