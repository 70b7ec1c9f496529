package org.infnet.cli;

import ij.IJ;
import ij.ImageJ;
import java.io.PrintStream;
import org.infnet.command.InfectionDisplay;
import org.infnet.ij1.CommandBridge;
import org.infnet.ij1.PluginsConfig;
import org.scijava.Context;

/**
 * {@code gui}: opens ImageJ 1.x with a {@code Plugins>Inf-Net} menu carrying every Inf-Net command (dialogs
 * generated from the commands' parameters) and the bundled example macros, for people without Fiji; an
 * optional startup macro runs once the window is up. Returns when the ImageJ window is closed.
 */
final class GuiCli {

    private GuiCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        if (argv.length > 2) {
            throw new Args.UsageException("usage: gui [STARTUP.ijm [ARGUMENT]]");
        }
        if (!InfectionDisplay.hasDisplay()) {
            throw new IllegalStateException("no display: set DISPLAY (e.g. run under Xvfb) to open the ImageJ window");
        }
        try (Context ctx = new Context()) {
            ImageJ ij = new ImageJ(ImageJ.NO_SHOW);
            CommandBridge.addMenus(CommandBridge.install(ctx), PluginsConfig.bundled().stream()
                    .filter(e -> e.menu().equals(CommandBridge.MENU_ROOT + ">Examples")).toList());
            // ImageJ.NO_SHOW leaves the window unpacked: shown as it is, it was 1x1 pixel (no toolbar, no status bar)
            ij.pack();
            ij.setLocation(0, 0);
            ij.setVisible(true);
            IJ.showStatus("Inf-Net commands are in Plugins>Inf-Net");
            out.println("ImageJ is open; Inf-Net commands are under Plugins>Inf-Net");
            if (argv.length > 0) {
                String macro = java.nio.file.Files.readString(java.nio.file.Path.of(argv[0]));
                String arg = argv.length > 1 ? argv[1] : "";
                new Thread(() -> IJ.runMacro(macro, arg), "Inf-Net startup macro").start();
            }
            while (IJ.getInstance() != null) {
                Thread.sleep(500);
            }
            return 0;
        }
    }
}
