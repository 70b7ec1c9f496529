package org.infnet.ij1;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import ij.plugin.frame.Recorder;
import java.awt.Font;
import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.infnet.command.ModelChoices;
import org.infnet.model.ModelLocator;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;

/**
 * An ImageJ 1.x dialog generated from a command's parameters (labels, defaults, choices, directory/file
 * styles), for plain ImageJ 1.x without Fiji's ImageJ2 layer. Recording is left to the caller, under the
 * parameter names, so that recorded macros use the same keys as Fiji.
 *
 * <p>Layout: the target image's title first ("Image: ct.tif (512x512x48, 16-bit)"); one row per parameter with its
 * description below it in a small font (never clipped beside the field); a model parameter is a choice of
 * {@link ModelChoices#choices()} (the installed models, then "Other"), as in Fiji's dialog, and the command's own
 * folder parameter below it is read when "Other" is chosen; a Help button shows the command's help page.
 */
final class CommandDialog {

    private static final Font SMALL = new Font("SansSerif", Font.PLAIN, 11);

    private CommandDialog() {}

    /**
     * Shows the dialog and returns lower-case key -> value text, or null if the user cancelled.
     *
     * @param source     the image the command will run on (named at the top), or null
     * @param remembered values given in this session's last dialog for the command (keys as returned), or null
     * @param helpHtml   the Help button's page
     */
    static Map<String, String> ask(String title, List<ModuleItem<?>> items, Module module, ImagePlus source,
            Map<String, String> remembered, String helpHtml) {
        GenericDialog gd = new GenericDialog(title);
        if (source != null) {
            gd.addMessage("Image: " + describe(source));
        }
        for (ModuleItem<?> item : items) {
            String label = item.getLabel() == null || item.getLabel().isBlank() ? item.getName() : item.getLabel();
            String key = RunSciJavaCommand.key(item);
            Object def = module.getInput(item.getName());
            String last = remembered == null ? null : remembered.get(key);
            Class<?> t = item.getType();
            List<?> choices = item.getChoices();
            String style = item.getWidgetStyle() == null ? "" : item.getWidgetStyle();
            if (RunSciJavaCommand.isBoolean(t)) {
                gd.addCheckbox(label, last != null ? Boolean.parseBoolean(last) : Boolean.TRUE.equals(def));
            } else if (choices != null && !choices.isEmpty()) {
                String[] c = choices.stream().map(String::valueOf).toArray(String[]::new);
                gd.addChoice(label, c, last != null ? last : def == null ? c[0] : def.toString());
            } else if (isModel(item)) {
                List<String> models = ModelChoices.choices();
                String current = last != null ? last : def == null ? ModelLocator.DEFAULT : def.toString();
                gd.addChoice(label, models.toArray(String[]::new),
                        models.contains(current) ? current : ModelChoices.OTHER_FOLDER);
            } else if (t == File.class && style.contains("directory")) {
                gd.addDirectoryField(label, last != null ? last : def == null ? "" : ((File) def).getPath());
            } else if (t == File.class) {
                gd.addFileField(label, last != null ? last : def == null ? "" : ((File) def).getPath());
            } else if (Number.class.isAssignableFrom(box(t))) {
                double d = last != null ? Double.parseDouble(last) : def == null ? 0 : ((Number) def).doubleValue();
                boolean integral = box(t) == Integer.class || box(t) == Long.class;
                gd.addNumericField(label, d, integral || d == Math.rint(d) && Math.abs(d) >= 10 ? 0
                        : (Math.abs(d) < 0.01 && d != 0 ? 6 : 3));
            } else {
                gd.addStringField(label, last != null ? last : def == null ? "" : def.toString(), 24);
            }
            if (item.getDescription() != null && !item.getDescription().isBlank()) {
                gd.setInsets(0, 20, 4);
                gd.addMessage(item.getDescription(), SMALL);
            }
        }
        gd.addHelp(helpHtml);
        boolean recording = Recorder.record;
        Recorder.record = false; // recorded by the caller under the parameter names
        try {
            gd.showDialog();
            if (gd.wasCanceled()) {
                return null;
            }
            Map<String, String> out = new HashMap<>();
            for (ModuleItem<?> item : items) {
                Class<?> t = item.getType();
                List<?> choices = item.getChoices();
                String key = RunSciJavaCommand.key(item);
                if (RunSciJavaCommand.isBoolean(t)) {
                    out.put(key, Boolean.toString(gd.getNextBoolean()));
                } else if (choices != null && !choices.isEmpty()) {
                    out.put(key, gd.getNextChoice());
                } else if (isModel(item)) {
                    out.put(key, gd.getNextChoice());
                } else if (Number.class.isAssignableFrom(box(t))) {
                    out.put(key, Double.toString(gd.getNextNumber()));
                } else {
                    out.put(key, gd.getNextString());
                }
            }
            return out;
        } finally {
            Recorder.record = recording;
        }
    }

    /** A model input: a text parameter naming its folder parameter ({@link ModelChoices#FOLDER_ATTRIBUTE}). */
    static boolean isModel(ModuleItem<?> item) {
        return item.getType() == String.class && item.get(ModelChoices.FOLDER_ATTRIBUTE) != null;
    }

    /** "ct.tif (512x512x48, 16-bit)". */
    static String describe(ImagePlus imp) {
        return imp.getTitle() + " (" + imp.getWidth() + "x" + imp.getHeight()
                + (imp.getStackSize() > 1 ? "x" + imp.getStackSize() : "") + ", " + imp.getBitDepth() + "-bit)";
    }

    private static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        return t == int.class ? Integer.class : t == long.class ? Long.class : t == float.class ? Float.class
                : t == double.class ? Double.class : t == boolean.class ? Boolean.class : t;
    }
}
