package org.infnet.ij1;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads ImageJ 1.x {@code plugins.config} entries: {@code Menu>Path, "Label", class.Name("arg")}. */
public final class PluginsConfig {

    /** One entry: menu path, command label, and the class with its optional argument. */
    public record Entry(String menu, String label, String command) {}

    private PluginsConfig() {}

    /** The entries of the {@code plugins.config} bundled in the jar (empty if there is none). */
    public static List<Entry> bundled() {
        try (InputStream in = PluginsConfig.class.getResourceAsStream("/plugins.config")) {
            return in == null ? List.of() : read(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled plugins.config: " + e.getMessage(), e);
        }
    }

    /** Parses a {@code plugins.config} stream; comments and blank lines are skipped. */
    public static List<Entry> read(InputStream in) throws IOException {
        List<Entry> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int c1 = line.indexOf(',');
            int q1 = line.indexOf('"', c1);
            int q2 = line.indexOf('"', q1 + 1);
            int c2 = line.indexOf(',', q2);
            if (c1 < 0 || q1 < 0 || q2 < 0 || c2 < 0) {
                throw new IOException("malformed plugins.config line: " + line);
            }
            out.add(new Entry(line.substring(0, c1).strip(), line.substring(q1 + 1, q2), line.substring(c2 + 1).strip()));
        }
        return out;
    }
}
