package org.infnet.ij1;

import ij.gui.GenericDialog;
import ij.plugin.frame.Recorder;
import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;

/**
 * An ImageJ 1.x dialog generated from a command's parameters (labels, defaults, choices, directory/file
 * styles), for plain ImageJ 1.x without Fiji's ImageJ2 layer. Recording is left to the caller, under the
 * parameter names, so that recorded macros use the same keys as Fiji.
 */
final class CommandDialog {

    private CommandDialog() {}

    /** Shows the dialog and returns lower-case key -> value text, or null if the user cancelled. */
    static Map<String, String> ask(String title, List<ModuleItem<?>> items, Module module) {
        GenericDialog gd = new GenericDialog(title);
        for (ModuleItem<?> item : items) {
            String label = item.getLabel() == null || item.getLabel().isBlank() ? item.getName() : item.getLabel();
            Object def = module.getInput(item.getName());
            Class<?> t = item.getType();
            List<?> choices = item.getChoices();
            String style = item.getWidgetStyle() == null ? "" : item.getWidgetStyle();
            if (RunSciJavaCommand.isBoolean(t)) {
                gd.addCheckbox(label, Boolean.TRUE.equals(def));
            } else if (choices != null && !choices.isEmpty()) {
                String[] c = choices.stream().map(String::valueOf).toArray(String[]::new);
                gd.addChoice(label, c, def == null ? c[0] : def.toString());
            } else if (t == File.class && style.contains("directory")) {
                gd.addDirectoryField(label, def == null ? "" : ((File) def).getPath());
            } else if (t == File.class) {
                gd.addFileField(label, def == null ? "" : ((File) def).getPath());
            } else if (Number.class.isAssignableFrom(box(t))) {
                double d = def == null ? 0 : ((Number) def).doubleValue();
                boolean integral = box(t) == Integer.class || box(t) == Long.class;
                gd.addNumericField(label, d, integral || d == Math.rint(d) && Math.abs(d) >= 10 ? 0
                        : (Math.abs(d) < 0.01 && d != 0 ? 6 : 3));
            } else {
                gd.addStringField(label, def == null ? "" : def.toString(), 24);
            }
            if (item.getDescription() != null && !item.getDescription().isBlank()) {
                gd.addToSameRow();
                gd.addMessage(item.getDescription());
            }
        }
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

    private static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        return t == int.class ? Integer.class : t == long.class ? Long.class : t == float.class ? Float.class
                : t == double.class ? Double.class : t == boolean.class ? Boolean.class : t;
    }
}
