package org.infnet.ij1;

import ij.IJ;
import ij.Menus;
import java.awt.Menu;
import java.awt.MenuBar;
import java.awt.MenuItem;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import org.scijava.Context;
import org.scijava.MenuPath;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * Registers the Inf-Net SciJava commands with ImageJ 1.x. After {@link #install(Context)}, ImageJ 1.x's
 * command table maps each command's menu label (the last element of its menu path, e.g. "Segment Lung
 * Infection") to {@link RunSciJavaCommand}, so {@code IJ.run(label, options)} and macros' {@code run(...)}
 * execute the command in the given context.
 *
 * <p>Contract: one context at a time (the last installed one wins); the context must outlive every call.
 */
public final class CommandBridge {

    /** Menu root of every command this bridge exposes. */
    public static final String MENU_ROOT = "Plugins>Inf-Net";

    private static final String[] ROOT = MENU_ROOT.split(">");

    private static volatile Context context;

    private CommandBridge() {}

    /**
     * Makes every command under {@link #MENU_ROOT} runnable by ImageJ 1.x and returns their infos. ImageJ
     * 1.x's command table is created first if it does not exist yet (this needs AWT menus, so the JVM must
     * not run with {@code java.awt.headless=true}; no display is needed).
     */
    public static List<CommandInfo> install(Context ctx) {
        context = Objects.requireNonNull(ctx, "context");
        @SuppressWarnings("unchecked")
        Hashtable<String, String> table = commandTable();
        List<CommandInfo> infos = commands(ctx);
        for (CommandInfo info : infos) {
            table.put(label(info), RunSciJavaCommand.class.getName() + "(\"" + info.getClassName() + "\")");
        }
        return infos;
    }

    /** The commands under {@link #MENU_ROOT}, in menu order (by weight, then label). */
    public static List<CommandInfo> commands(Context ctx) {
        List<CommandInfo> out = new ArrayList<>();
        for (CommandInfo info : ctx.service(CommandService.class).getCommands()) {
            MenuPath p = info.getMenuPath();
            if (p != null && p.size() > ROOT.length && java.util.stream.IntStream.range(0, ROOT.length)
                    .allMatch(i -> p.get(i).getName().equals(ROOT[i]))) {
                out.add(info);
            }
        }
        out.sort((a, b) -> label(a).compareToIgnoreCase(label(b)));
        return out;
    }

    /** ImageJ 1.x command label of a command: the leaf of its menu path. */
    public static String label(CommandInfo info) {
        return info.getMenuPath().getLeaf().getName();
    }

    /**
     * Adds a {@code Plugins>Inf-Net} submenu to a running ImageJ 1.x window, one item per command (items
     * fire through ImageJ 1.x's own executor, so the Macro Recorder records them), plus an Examples
     * submenu for the bundled macros.
     */
    public static void addMenus(List<CommandInfo> infos, List<PluginsConfig.Entry> examples) {
        MenuBar bar = Menus.getMenuBar();
        if (bar == null || IJ.getInstance() == null) {
            throw new IllegalStateException("ImageJ 1.x is not running with a menu bar");
        }
        Menu plugins = Menus.getImageJMenu("Plugins");
        Menu infnet = new Menu("Inf-Net");
        for (CommandInfo info : infos) {
            MenuItem item = new MenuItem(label(info));
            item.addActionListener(IJ.getInstance());
            infnet.add(item);
        }
        if (!examples.isEmpty()) {
            @SuppressWarnings("unchecked")
            Hashtable<String, String> table = Menus.getCommands();
            Menu ex = new Menu("Examples");
            for (PluginsConfig.Entry e : examples) {
                table.put(e.label(), e.command());
                MenuItem item = new MenuItem(e.label());
                item.addActionListener(IJ.getInstance());
                ex.add(item);
            }
            infnet.add(ex);
        }
        plugins.add(infnet);
    }

    static Context context() {
        Context c = context;
        if (c == null) {
            throw new IllegalStateException("Inf-Net commands are not installed in ImageJ 1.x (no SciJava context)");
        }
        return c;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static synchronized Hashtable commandTable() {
        Hashtable t = Menus.getCommands();
        if (t != null) {
            return t;
        }
        try {
            if (java.awt.GraphicsEnvironment.isHeadless()) {
                // ImageJ 1.x builds its table from AWT menus, impossible headless: read the same entries
                // from its IJ_Props.txt instead (what Fiji's headless patches achieve).
                java.lang.reflect.Field f = Menus.class.getDeclaredField("pluginsTable");
                f.setAccessible(true);
                f.set(null, builtInCommands());
            } else {
                java.lang.reflect.Method init = IJ.class.getDeclaredMethod("init");
                init.setAccessible(true);
                init.invoke(null);
            }
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new IllegalStateException("cannot initialise ImageJ 1.x's command table: " + e, e);
        }
        t = Menus.getCommands();
        if (t == null) {
            throw new IllegalStateException("ImageJ 1.x has no command table");
        }
        return t;
    }

    /**
     * ImageJ 1.x's built-in menu commands (label -> class with argument): the main-menu entries that
     * {@code ij.Menus} adds in code (bundled list, extracted from ImageJ 1.54p) and the submenu entries of its
     * IJ_Props.txt.
     */
    static Hashtable<String, String> builtInCommands() throws java.io.IOException {
        Hashtable<String, String> out = new Hashtable<>();
        try (java.io.InputStream in = CommandBridge.class.getResourceAsStream("ij1-menu-commands.tsv")) {
            if (in != null) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
                    int tab = line.indexOf('\t');
                    if (!line.startsWith("#") && tab > 0) {
                        out.putIfAbsent(line.substring(0, tab), line.substring(tab + 1));
                    }
                }
            }
        }
        try (java.io.InputStream in = IJ.class.getResourceAsStream("/IJ_Props.txt")) {
            if (in == null) {
                throw new java.io.IOException("IJ_Props.txt not found in ImageJ 1.x's jar");
            }
            java.util.regex.Pattern p = java.util.regex.Pattern.compile("^[a-z_]+\\d+=\"([^\"]+)\",(\\S.*)$");
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1).split("\\R")) {
                java.util.regex.Matcher m = p.matcher(line.strip());
                if (m.matches()) {
                    // labels are used verbatim (ImageJ 1.x tells "Properties..." from "Properties... " apart)
                    String label = m.group(1).replaceAll("\\[[^\\]]*\\]$", "");
                    out.putIfAbsent(label, m.group(2).strip());
                }
            }
        }
        return out;
    }
}
