package org.infnet.ij1;

import ij.plugin.PlugIn;
import org.scijava.Context;

/**
 * The ImageJ 1.x plugin behind every Inf-Net menu item of the jar's {@code plugins.config}, so that plain ImageJ
 * 1.x ({@code ij.jar} with {@code plugins/Inf_Net.jar} and the jars of the distribution) has real menu commands
 * and macro commands: {@code Plugins>Inf-Net, "Segment Lung Infection",
 * org.infnet.ij1.InfNetPlugIn("org.infnet.command.SegmentLungInfection")}.
 *
 * <p>Contract: {@link #run(String)} takes the class name of one SciJava command and runs it as
 * {@link RunSciJavaCommand} does (current image, macro options or a dialog, results as windows). If no SciJava
 * context has been installed in the bridge yet (plain ImageJ 1.x has none), one is created on first use with
 * this jar's class loader, installed with {@link CommandBridge#install(Context)} and kept for the rest of the
 * session. During the call the thread's context class loader is this class's loader (ImageJ 1.x's plugin
 * class loader), because SciJava's plugin discovery and DJL's engine and native-library lookup read resources
 * through it; the previous one is restored afterwards.
 *
 * <p>Before anything loads DJL, DJL's usage report (a connection to a cloud-metadata address) is switched off
 * ({@code OPT_OUT_TRACKING=true}) unless the property is already set.
 *
 * <p>In Fiji the SciJava commands of the same labels take these menu items over (ImageJ's legacy layer
 * overrides an ImageJ 1.x command by an ImageJ2 command of the same label), so this class is used by plain
 * ImageJ 1.x only.
 */
public class InfNetPlugIn implements PlugIn {

    private static Context created;

    @Override
    public void run(String commandClass) {
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(InfNetPlugIn.class.getClassLoader());
        try {
            ensureContext();
            new RunSciJavaCommand().run(commandClass);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The bridge's context: the installed one (the {@code gui}/{@code macro} launchers install theirs), else one
     * created here on first use.
     */
    static synchronized Context ensureContext() {
        try {
            return CommandBridge.context();
        } catch (IllegalStateException none) {
            if (created == null) {
                created = new Context();
                CommandBridge.install(created);
            }
            return created;
        }
    }
}
