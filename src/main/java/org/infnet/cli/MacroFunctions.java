package org.infnet.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Static entry points for ImageJ macros ({@code call("org.infnet.cli.MacroFunctions.run", "segment ...")}),
 * so that plain ImageJ 1.x macros, headless or not, can drive the same code as the command line.
 */
public final class MacroFunctions {

    private MacroFunctions() {}

    /**
     * Runs a command-line sub-command given as one string of space-separated words (words containing
     * spaces can be wrapped in double quotes) and returns its output; failures return the text
     * {@code "error: ..."}, which a macro can test with {@code startsWith}.
     */
    public static String run(String commandLine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(split(commandLine), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        return status == 0 ? o : err.toString(StandardCharsets.UTF_8).trim();
    }

    static String[] split(String line) {
        java.util.List<String> words = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(cur.toString());
        }
        return words.toArray(String[]::new);
    }
}
