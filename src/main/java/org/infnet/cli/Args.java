package org.infnet.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal GNU-style option parser: {@code --name value}, {@code --name=value}, {@code --flag}, repeated options, and
 * positional arguments; {@code --} ends the options (what follows is positional, e.g. a file named {@code -a.png}).
 * Unknown options (also single-dash ones such as {@code -o}) are an error, so typos never pass silently;
 * {@code --help} or {@code -h} anywhere before {@code --} asks for the usage ({@link HelpRequested}). An option
 * read with {@link #get} may be given once only (a repeated {@code --output} is refused rather than the last one
 * taken); options read with {@link #all} may be repeated.
 */
public final class Args {

    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /**
     * @param argv the arguments after the sub-command
     * @param valued options taking a value
     * @param flags options without a value
     */
    public Args(String[] argv, Set<String> valued, Set<String> flags) {
        boolean onlyPositional = false;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (onlyPositional) {
                positional.add(a);
            } else if (a.equals("--")) {
                onlyPositional = true;
            } else if (a.equals("--help") || a.equals("-h")) {
                throw new HelpRequested();
            } else if (a.startsWith("--")) {
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
            } else if (a.startsWith("-") && a.length() > 1) {
                throw new UsageException("unknown option " + a + " (options start with --; put file names that"
                        + " start with - after --)");
            } else {
                positional.add(a);
            }
        }
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    public String get(String name, String def) {
        List<String> v = options.get(name);
        if (v != null && v.size() > 1) {
            throw new UsageException("--" + name + " was given " + v.size() + " times ('" + String.join("', '", v)
                    + "'); give it once");
        }
        return v == null ? def : v.get(0);
    }

    public String require(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    public List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    public Path path(String name) {
        return pathOf(require(name));
    }

    /**
     * A path from the command line. With LANG/LC_ALL unset the JVM decodes arguments as ASCII, and a name with
     * other characters arrives with U+FFFD in it, which no file has: that is said in one line.
     */
    static Path pathOf(String arg) {
        if (arg.indexOf('\uFFFD') >= 0) {
            throw new IllegalArgumentException(org.infnet.io.ImageFiles.encodingProblem(arg));
        }
        return Path.of(arg);
    }

    public int integer(String name, int def) {
        String v = get(name, null);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, got '" + v + "'");
        }
    }

    public double number(String name, double def) {
        String v = get(name, null);
        try {
            return v == null ? def : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a number, got '" + v + "'");
        }
    }

    public List<String> positional() {
        return positional;
    }

    /**
     * {@code --device}: {@code cpu} (the default) or {@code gpu}, case-insensitive; anything else is a usage error.
     *
     * @return "cpu" or "gpu"
     * @throws java.io.IOException (one line) for {@code gpu} when the engine has no GPU ({@link #requireGpu})
     */
    static String deviceName(Args a) throws java.io.IOException {
        String d = a.get("device", "cpu").strip().toLowerCase(java.util.Locale.ROOT);
        if (!d.equals("cpu") && !d.equals("gpu")) {
            throw new UsageException("--device must be cpu or gpu, got '" + a.get("device", "cpu") + "'");
        }
        if (d.equals("gpu")) {
            requireGpu();
        }
        return d;
    }

    /**
     * The {@link #deviceName} as a device.
     *
     * @throws java.io.IOException (one line) when {@code gpu} is asked for and the engine has none, as with this
     *     project's CPU-only PyTorch build
     */
    static ai.djl.Device device(Args a) throws java.io.IOException {
        return deviceName(a).equals("cpu") ? ai.djl.Device.cpu() : ai.djl.Device.gpu();
    }

    /** Throws a one-line IOException unless the PyTorch engine can use a GPU. */
    static void requireGpu() throws java.io.IOException {
        int gpus;
        try {
            gpus = ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount();
        } catch (RuntimeException e) {
            gpus = 0;
        }
        if (gpus < 1) {
            throw new java.io.IOException("--device gpu: no GPU available (this PyTorch engine is a CPU-only build,"
                    + " or no CUDA device is visible); use --device cpu");
        }
    }

    /** {@code --help} or {@code -h}: the caller prints the usage and succeeds. */
    public static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super("help requested");
        }
    }

    /** A command-line mistake; its message is shown to the user as one line. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
