package org.infnet.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal GNU-style option parser: {@code --name value}, {@code --flag}, repeated options, and
 * positional arguments. Unknown options are an error, so typos never pass silently.
 */
final class Args {

    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /**
     * @param argv the arguments after the sub-command
     * @param valued options taking a value
     * @param flags options without a value
     */
    Args(String[] argv, Set<String> valued, Set<String> flags) {
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name)) {
                    options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.length) {
                            throw new UsageException("--" + name + " needs a value");
                        }
                        value = argv[++i];
                    }
                    options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                positional.add(a);
            }
        }
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    String get(String name, String def) {
        List<String> v = options.get(name);
        return v == null ? def : v.get(v.size() - 1);
    }

    String require(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    Path path(String name) {
        return Path.of(require(name));
    }

    int integer(String name, int def) {
        String v = get(name, null);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, got '" + v + "'");
        }
    }

    double number(String name, double def) {
        String v = get(name, null);
        try {
            return v == null ? def : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a number, got '" + v + "'");
        }
    }

    List<String> positional() {
        return positional;
    }

    /** A command-line mistake; its message is shown to the user as one line. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
