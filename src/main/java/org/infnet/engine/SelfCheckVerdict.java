package org.infnet.engine;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.infnet.io.AtomicFiles;

/**
 * What the {@link EngineSelfCheck} found on this machine, per configuration, as cached on disk (a properties
 * file, written atomically).
 *
 * @param key what the verdict depends on ({@link EngineSetup#key()}); a cached verdict with another key is ignored
 * @param on the check with oneDNN on
 * @param off the check with oneDNN off
 * @param nnpack whether NNPACK started on this processor
 * @param threads the "N threads" of the check
 */
public record SelfCheckVerdict(String key, Result on, Result off, boolean nnpack, int threads) {

    /** How a check ended. */
    public enum Status {
        /** every comparison within float rounding */
        PASS,
        /** ran to the end, some number wrong */
        WRONG,
        /** the engine killed the JVM (such as SIGFPE) */
        CRASH,
        /** stopped after the time limit (not a verdict: not cached) */
        TIMEOUT,
        /** the child did not start or died before the engine ran (not a verdict: not cached) */
        ERROR
    }

    /**
     * One configuration's check.
     *
     * @param status how it ended
     * @param exit the child's exit status (-1 if none)
     * @param ms the fixed workload's time in milliseconds (NaN if it did not get there)
     * @param nnpack whether NNPACK started in the child
     * @param detail the first wrong comparisons, or the end of the child's output after a crash
     */
    public record Result(Status status, int exit, double ms, boolean nnpack, String detail) {

        /** Reads a child's output. */
        static Result parse(Status status, int exit, List<String> lines) {
            double ms = Double.NaN;
            boolean nnpack = false;
            List<String> wrong = new ArrayList<>();
            List<String> other = new ArrayList<>();
            for (String l : lines) {
                if (l.startsWith("selfcheck ms ")) {
                    ms = Double.parseDouble(l.substring(13).trim());
                } else if (l.startsWith("selfcheck nnpack ")) {
                    nnpack = Boolean.parseBoolean(l.substring(17).trim());
                } else if (l.startsWith("selfcheck wrong ")) {
                    wrong.add(l.substring(16));
                } else if (!l.startsWith("selfcheck ") && !l.contains("NNPACK")) {
                    other.add(l);
                }
            }
            String detail;
            if (status == Status.WRONG) {
                detail = wrong.size() + " wrong: " + String.join("; ", wrong.subList(0, Math.min(3, wrong.size())));
            } else if (status == Status.PASS) {
                detail = "";
            } else {
                detail = String.join(" | ", other.subList(Math.max(0, other.size() - 4), other.size()));
            }
            return new Result(status, exit, ms, nnpack, detail);
        }

        /** {@code pass (812 ms)}, {@code wrong numbers}, {@code crashed (exit 134)}, ... */
        public String summary() {
            return switch (status) {
                case PASS -> String.format(Locale.ROOT, "pass (%.0f ms)", ms);
                case WRONG -> "wrong numbers";
                case CRASH -> "crashed (exit " + exit + ")";
                case TIMEOUT -> "timed out";
                case ERROR -> "did not run (exit " + exit + (detail.isEmpty() ? "" : ": " + detail) + ")";
            };
        }
    }

    /** Whether both checks gave a verdict (only then is it cached). */
    public boolean complete() {
        return on.status != Status.TIMEOUT && on.status != Status.ERROR && off.status != Status.TIMEOUT
                && off.status != Status.ERROR;
    }

    /** The fastest configuration that passed, or null if none did. */
    public EngineConfig best() {
        boolean onOk = on.status == Status.PASS;
        boolean offOk = off.status == Status.PASS;
        if (onOk && (!offOk || !(off.ms < on.ms))) {
            return new EngineConfig(true, nnpack);
        }
        return offOk ? new EngineConfig(false, nnpack) : null;
    }

    /** Whether the configuration with oneDNN {@code onednn} passed. */
    public boolean passed(boolean onednn) {
        return (onednn ? on : off).status == Status.PASS;
    }

    /** One line: each configuration's result and the choice. */
    public String summary() {
        EngineConfig b = best();
        return "oneDNN on: " + on.summary() + ", oneDNN off: " + off.summary() + ", NNPACK "
                + (nnpack ? "starts" : "cannot start") + (b == null ? "" : " -> " + b.label());
    }

    /** Writes the verdict to {@code file} atomically. */
    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("key", key);
        p.setProperty("nnpack", Boolean.toString(nnpack));
        p.setProperty("threads", Integer.toString(threads));
        put(p, "onednn.on", on);
        put(p, "onednn.off", off);
        StringWriter w = new StringWriter();
        p.store(w, "Inf-Net engine self-check verdict; delete this file, or run with -D" + EngineSetup.SELFCHECK
                + "=redo, to check again");
        Files.createDirectories(file.getParent());
        AtomicFiles.writeString(file, w.toString());
    }

    private static void put(Properties p, String prefix, Result r) {
        p.setProperty(prefix + ".status", r.status.name());
        p.setProperty(prefix + ".exit", Integer.toString(r.exit));
        p.setProperty(prefix + ".ms", Double.toString(r.ms));
        p.setProperty(prefix + ".nnpack", Boolean.toString(r.nnpack));
        p.setProperty(prefix + ".detail", r.detail);
    }

    /**
     * The verdict cached in {@code file}, or null where there is none, it cannot be read, or it was made for
     * another key (another processor, libtorch or DJL).
     */
    static SelfCheckVerdict read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            if (!EngineSetup.key().equals(p.getProperty("key"))) {
                return null;
            }
            return new SelfCheckVerdict(p.getProperty("key"), get(p, "onednn.on"), get(p, "onednn.off"),
                    Boolean.parseBoolean(p.getProperty("nnpack")), Integer.parseInt(p.getProperty("threads")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Result get(Properties p, String prefix) {
        return new Result(Status.valueOf(p.getProperty(prefix + ".status")),
                Integer.parseInt(p.getProperty(prefix + ".exit")), Double.parseDouble(p.getProperty(prefix + ".ms")),
                Boolean.parseBoolean(p.getProperty(prefix + ".nnpack")), p.getProperty(prefix + ".detail", ""));
    }
}
