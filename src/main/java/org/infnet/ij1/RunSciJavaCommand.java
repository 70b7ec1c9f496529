package org.infnet.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import org.infnet.image.Calibration3D;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleException;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.LoadInputsPreprocessor;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.module.process.SaveInputsPreprocessor;
import org.scijava.plugin.PluginService;
import org.scijava.service.Service;

/**
 * ImageJ 1.x plugin that runs one SciJava command, named by the plugin argument (its class name), the way
 * Fiji's ImageJ2 layer runs it from a macro or a menu:
 * <ul>
 *   <li>image inputs ({@link RandomAccessibleInterval}) receive the current image (or the one named by
 *       {@code image=[title]}) as ImgLib2, in HU if the ImagePlus is value-calibrated (DICOM);</li>
 *   <li>other inputs are read from the macro options under their parameter name in lower case
 *       ({@code threshold=0.5 model=infnet-compact}; a boolean is true when its key is present, as in
 *       ImageJ 1.x); without macro options a dialog asks for them (and the Macro Recorder records them);</li>
 *   <li>image outputs become ImagePlus windows (batch-mode images in macros) with the input's calibration,
 *       text outputs go to the Log window.</li>
 * </ul>
 * Failures show one message (Log / stderr when no GUI) and abort the running macro.
 */
public class RunSciJavaCommand implements PlugIn {

    private static volatile String lastError;
    private static volatile boolean reportOnStderr = true;

    /**
     * Whether failures without a GUI are printed on stderr (default) or only kept for {@link #lastError()}
     * (for callers that report them themselves).
     */
    public static void reportOnStderr(boolean on) {
        reportOnStderr = on;
    }

    /** The last failure message since {@link #clearLastError()}, or null. */
    public static String lastError() {
        return lastError;
    }

    /** Forgets the last failure. */
    public static void clearLastError() {
        lastError = null;
    }

    @Override
    public void run(String className) {
        try {
            execute(className);
        } catch (Cancelled e) {
            IJ.showStatus("cancelled");
        } catch (Exception e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void execute(String className) throws Exception {
        Context ctx = CommandBridge.context();
        CommandInfo info = ctx.service(CommandService.class).getCommand(className);
        if (info == null) {
            throw new IllegalArgumentException("no SciJava command " + className);
        }
        String label = CommandBridge.label(info);
        Module module = ctx.service(org.scijava.module.ModuleService.class).createModule(info);
        String options = Macro.getOptions();
        if (options == null && java.awt.GraphicsEnvironment.isHeadless()) {
            options = ""; // no dialog without a display: run("...") and run("...", "") take the defaults
        }

        Map<String, Object> inputs = new LinkedHashMap<>();
        ImagePlus source = null;
        List<ModuleItem<?>> asked = new java.util.ArrayList<>();
        for (ModuleItem<?> item : info.inputs()) {
            Class<?> type = item.getType();
            if (Service.class.isAssignableFrom(type) || Context.class.isAssignableFrom(type)) {
                continue;
            }
            if (RandomAccessibleInterval.class.isAssignableFrom(type)) {
                source = source == null ? image(options, label) : source;
                inputs.put(item.getName(), ImageBridge.toImg(source));
            } else if (ImagePlus.class.isAssignableFrom(type)) {
                source = source == null ? image(options, label) : source;
                inputs.put(item.getName(), source);
            } else {
                asked.add(item);
            }
        }
        Map<String, String> text;
        if (options != null) {
            text = MacroOptions.read(options, asked, module);
            for (String w : MacroOptions.unknownKeys(options, asked, source != null)) {
                warn(label + ": " + w);
            }
        } else {
            text = CommandDialog.ask(label, asked, module, source, REMEMBERED.get(className), help(info, asked));
            if (text == null) {
                Recorder.disableCommandRecording(); // a cancelled dialog records nothing
                throw new Cancelled();
            }
            REMEMBERED.put(className, new java.util.HashMap<>(text)); // this session only, never in preferences
        }
        for (ModuleItem<?> item : asked) {
            String v = text.get(key(item));
            if (v != null) {
                inputs.put(item.getName(), convert(v, item.getType(), item.getName()));
            }
            if (Recorder.record && v != null) {
                if (isBoolean(item.getType())) {
                    if (Boolean.parseBoolean(v)) {
                        Recorder.recordOption(key(item));
                    }
                } else {
                    Recorder.recordOption(key(item), v);
                }
            }
        }
        Module done = runHere(ctx, module, inputs);
        Calibration3D cal = source == null ? Calibration3D.UNCALIBRATED : Calibration3D.from(source);
        String base = source == null ? label : stripExtension(source.getTitle());
        for (ModuleItem<?> out : info.outputs()) {
            Object value = done.getOutput(out.getName());
            if (value instanceof RandomAccessibleInterval<?> img) {
                @SuppressWarnings("unchecked")
                RandomAccessibleInterval<? extends RealType<?>> real = (RandomAccessibleInterval<? extends RealType<?>>) img;
                String title = base + "_" + out.getName();
                replaceUnchanged(title);
                ImagePlus imp = ImageBridge.toImagePlus(real, title, cal);
                ImageBridge.applyLut(imp, out.get("lut"));
                imp.show();
            } else if (value instanceof String s && !s.isBlank()) {
                IJ.log(s);
            }
        }
    }

    /**
     * Runs the module on the calling thread (so that a failure is thrown here, not logged with its stack trace by
     * SciJava's module runner) after the context's preprocessors, except those that load or save remembered input
     * values in the user's preferences (a macro or a dialog here gets exactly the values it gives, and leaves
     * nothing behind for the next run) and SciJava's UI ones (its file chooser cancelled an optional file input
     * left empty, so that {@code Evaluate Segmentation} without {@code csv=} did nothing).
     */
    private static Module runHere(Context ctx, Module module, Map<String, Object> inputs) throws Exception {
        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            module.setInput(e.getKey(), e.getValue());
            module.resolveInput(e.getKey());
        }
        for (PreprocessorPlugin p : ctx.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class)) {
            if (p instanceof LoadInputsPreprocessor || p instanceof SaveInputsPreprocessor
                    || p instanceof org.scijava.ui.FilePreprocessor || p instanceof org.scijava.ui.FileListPreprocessor
                    || p instanceof org.scijava.ui.UIPreprocessor) {
                continue; // remembered values, and SciJava file choosers that cancel an optional file left empty
            }
            p.process(module);
            if (p.isCanceled()) {
                String why = p.getCancelReason();
                throw new IllegalArgumentException(why == null || why.isBlank()
                        ? "cancelled by " + p.getClass().getSimpleName() : why);
            }
        }
        try {
            module.run();
        } catch (RuntimeException e) {
            Throwable c = e;
            while (c.getCause() != null && (c instanceof ModuleException
                    || c.getClass() == RuntimeException.class && String.valueOf(c.getMessage()).startsWith("Module threw"))) {
                c = c.getCause();
            }
            throw new IllegalStateException(c.getMessage() == null ? c.toString() : c.getMessage(), c);
        }
        return module;
    }

    /** Values given in this session's dialogs, by command class (never stored in preferences). */
    private static final Map<String, Map<String, String>> REMEMBERED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Help page of a command's dialog: its description and one line per parameter. */
    static String help(CommandInfo info, List<ModuleItem<?>> items) {
        StringBuilder sb = new StringBuilder("<html><h2>").append(escape(CommandBridge.label(info))).append("</h2>");
        if (info.getDescription() != null && !info.getDescription().isBlank()) {
            sb.append("<p>").append(escape(info.getDescription())).append("</p>");
        }
        sb.append("<table>");
        for (ModuleItem<?> item : items) {
            sb.append("<tr><td><b>").append(escape(item.getLabel() == null ? item.getName() : item.getLabel()))
                    .append("</b> (<tt>").append(key(item)).append("=</tt>)</td><td>")
                    .append(escape(item.getDescription() == null ? "" : item.getDescription())).append("</td></tr>");
        }
        sb.append("</table><p>Macro: <tt>run(\"").append(escape(CommandBridge.label(info)))
                .append("\", \"key=value ...\");</tt> (Plugins&gt;Macros&gt;Record... writes it for you).</p>")
                .append("<p>https://github.com/DengPingFan/Inf-Net (method); README of Inf-Net for Fiji (use).</p></html>");
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A warning: the Log window with a GUI, else one {@code warning:} line on stderr. */
    static void warn(String message) {
        if (IJ.getInstance() != null && !java.awt.GraphicsEnvironment.isHeadless()) {
            IJ.log("Warning: " + message);
        } else {
            System.err.println("warning: " + message);
        }
    }

    /**
     * Closes the open images titled {@code title} that have no unsaved changes (the outputs of an earlier run on
     * the same image), so that a re-run replaces them instead of adding windows with the same title; an image with
     * changes stays and the new one gets a unique title.
     */
    static void replaceUnchanged(String title) {
        int[] ids = WindowManager.getIDList();
        if (ids == null) {
            return;
        }
        for (int id : ids) {
            ImagePlus old = WindowManager.getImage(id);
            if (old != null && title.equals(old.getTitle()) && !old.changes) {
                old.close();
                if (Interpreter.isBatchMode()) {
                    Interpreter.removeBatchModeImage(old);
                }
            }
        }
    }

    /** The macro key of an input: its parameter name in lower case. */
    static String key(ModuleItem<?> item) {
        return item.getName().toLowerCase(Locale.ROOT);
    }

    static boolean isBoolean(Class<?> t) {
        return t == boolean.class || t == Boolean.class;
    }

    private static ImagePlus image(String options, String label) {
        String title = options == null ? null : Macro.getValue(options, "image", null);
        ImagePlus imp = title == null ? WindowManager.getCurrentImage() : WindowManager.getImage(title);
        if (imp == null) {
            throw new IllegalArgumentException(label + " needs an open image"
                    + (title == null ? "" : " (none is titled '" + title + "')"));
        }
        return imp;
    }

    static Object convert(String v, Class<?> t, String name) {
        try {
            if (t == String.class) {
                return v;
            } else if (t == File.class) {
                return v.isBlank() ? null : new File(v);
            } else if (t == double.class || t == Double.class) {
                return Double.parseDouble(v);
            } else if (t == float.class || t == Float.class) {
                return Float.parseFloat(v);
            } else if (t == int.class || t == Integer.class) {
                return (int) Math.round(Double.parseDouble(v));
            } else if (t == long.class || t == Long.class) {
                return Math.round(Double.parseDouble(v));
            } else if (isBoolean(t)) {
                return Boolean.parseBoolean(v);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + name + "' must be a number, not '" + v + "'");
        }
        throw new IllegalArgumentException("parameter '" + name + "' has a type (" + t.getSimpleName()
                + ") that cannot be given in a macro");
    }

    private static String stripExtension(String title) {
        int dot = title.lastIndexOf('.');
        return dot > 0 ? title.substring(0, dot) : title;
    }

    private static void fail(String message) {
        lastError = message;
        if (IJ.getInstance() != null && !java.awt.GraphicsEnvironment.isHeadless()) {
            IJ.error("Inf-Net", message);
        } else if (reportOnStderr) {
            System.err.println("error: " + message);
        }
        if (Interpreter.getInstance() != null) {
            Interpreter.abort();
        }
    }

    private static final class Cancelled extends Exception {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }
}
