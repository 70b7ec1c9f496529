package org.infnet.ij1;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;

/**
 * ImageJ 1.x macro option strings ({@code key=value key=[value with spaces] flag}) read into command
 * inputs. Keys are matched case-insensitively against the parameter names; a boolean is true when its key
 * is present (bare or {@code =true}) and false when absent, as ImageJ 1.x checkboxes are; any other input
 * that is absent keeps the command's default.
 */
final class MacroOptions {

    private MacroOptions() {}

    /** Parses an options string into lower-case keys and raw values (bare keys map to "true"). */
    static Map<String, String> parse(String options) {
        Map<String, String> out = new HashMap<>();
        int i = 0, n = options.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(options.charAt(i))) {
                i++;
            }
            int k = i;
            while (i < n && options.charAt(i) != '=' && !Character.isWhitespace(options.charAt(i))) {
                i++;
            }
            String key = options.substring(k, i).toLowerCase(java.util.Locale.ROOT);
            String value = "true";
            if (i < n && options.charAt(i) == '=') {
                i++;
                if (i < n && options.charAt(i) == '[') {
                    int end = options.indexOf(']', i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("unclosed '[' after '" + key + "=' in macro options");
                    }
                    value = options.substring(i + 1, end);
                    i = end + 1;
                } else {
                    int v = i;
                    while (i < n && !Character.isWhitespace(options.charAt(i))) {
                        i++;
                    }
                    value = options.substring(v, i);
                }
            }
            if (!key.isEmpty()) {
                out.put(key, value);
            }
        }
        return out;
    }

    /**
     * One warning per key of {@code options} that names no input of the command (a misspelling such as
     * {@code treshold=}), naming the key, the nearest valid key if one is close, and the valid keys. {@code image}
     * is valid when the command takes an image.
     */
    static List<String> unknownKeys(String options, List<ModuleItem<?>> items, boolean takesImage) {
        List<String> valid = new java.util.ArrayList<>();
        if (takesImage) {
            valid.add("image");
        }
        items.forEach(i -> valid.add(RunSciJavaCommand.key(i)));
        List<String> out = new java.util.ArrayList<>();
        for (String key : new java.util.TreeSet<>(parse(options).keySet())) {
            if (!valid.contains(key)) {
                String near = Suggestions.closest(key, valid);
                out.add("unknown option '" + key + "' ignored" + (near == null ? "" : " (did you mean '" + near + "'?)")
                        + "; valid options: " + String.join(", ", valid));
            }
        }
        return out;
    }

    /** Values for {@code items} from {@code options}; see the class contract. */
    static Map<String, String> read(String options, List<ModuleItem<?>> items, Module module) {
        Map<String, String> given = parse(options);
        Map<String, String> out = new HashMap<>();
        for (ModuleItem<?> item : items) {
            String key = RunSciJavaCommand.key(item);
            String v = given.get(key);
            if (RunSciJavaCommand.isBoolean(item.getType())) {
                out.put(key, Boolean.toString(v != null && !v.equalsIgnoreCase("false")));
            } else if (v != null) {
                out.put(key, v);
            } else if (item.isRequired() && module.getInput(item.getName()) == null) {
                throw new IllegalArgumentException("missing '" + key + "=' in the options of this command");
            }
        }
        return out;
    }
}
