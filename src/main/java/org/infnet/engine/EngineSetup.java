package org.infnet.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Sets up the PyTorch engine for this process, once, before its first use: every entry point (command line,
 * Fiji commands, model loading, tests) calls {@link #ensure()}.
 *
 * <p>It first applies {@link DjlDefaults} (no network, quiet logging), then decides the {@link EngineConfig} from
 * evidence: libtorch 2.7.1's oneDNN crashes (SIGFPE) or computes wrong convolutions on some processors (seen on
 * an AMD family 26 with AVX-512 under a hypervisor that reports no cache sizes), and NNPACK cannot start on
 * some. The {@linkplain EngineSelfCheck self-check} runs PyTorch's convolutions of the network's shapes against a
 * plain Java convolution under each configuration, each in a child JVM (a crash must not take this process
 * down), once per processor, libtorch and DJL version; its {@link SelfCheckVerdict} is cached on disk, and the
 * fastest configuration that passed is used. oneDNN is turned off (and NNPACK where it cannot start) through
 * ATen's context ({@link AtenContext}).
 *
 * <p>System properties:
 * <ul>
 * <li>{@value #ONEDNN} = {@code auto} (default: the self-check decides), {@code on} or {@code off} (forced,
 *     no self-check).</li>
 * <li>{@value #SELFCHECK} = {@code auto} (default: run it where no verdict is cached), {@code redo} (run it
 *     again and replace the cached verdict) or {@code skip} (never run it: the cached verdict, or oneDNN off
 *     where there is none).</li>
 * <li>{@value #CACHE}: the folder of the cached verdicts (default {@code ~/.cache/infnet-fiji}).</li>
 * </ul>
 */
public final class EngineSetup {

    /** System property forcing oneDNN: {@code on}, {@code off} or {@code auto}. */
    public static final String ONEDNN = "infnet.engine.onednn";
    /** System property for the self-check: {@code auto}, {@code redo} or {@code skip}. */
    public static final String SELFCHECK = "infnet.engine.selfcheck";
    /** System property naming the verdict cache folder. */
    public static final String CACHE = "infnet.engine.cache";

    /** A self-check child that runs longer than this is stopped (and counts as not run). */
    private static final long CHILD_TIMEOUT_S = Long.getLong("infnet.engine.selfcheck.timeout", 600);

    private static volatile EngineConfig config;
    private static volatile String reason;

    private EngineSetup() {}

    /**
     * Readies the PyTorch engine for this process (idempotent, thread-safe): quiet and offline DJL, the engine
     * loaded, and the configuration of {@link #ONEDNN} applied (with {@code auto}, the self-check's choice;
     * the first call in a process on a new machine runs the self-check, about a minute).
     *
     * @return the configuration in force
     * @throws IllegalStateException if the self-check found wrong numbers in every configuration
     */
    public static EngineConfig ensure() {
        EngineConfig c = config;
        if (c != null) {
            return c;
        }
        synchronized (EngineSetup.class) {
            if (config != null) {
                return config;
            }
            DjlDefaults.apply();
            EngineConfig chosen = decide();
            Engine.getEngine("PyTorch");
            AtenContext aten = AtenContext.of(Paths.get(LibUtils.getLibtorchPath()));
            aten.setMkldnn(chosen.onednn());
            aten.setNnpack(chosen.nnpack());
            if (aten.mkldnn() != chosen.onednn() || aten.nnpack() != chosen.nnpack()) {
                throw new IllegalStateException("libtorch did not take the engine configuration " + chosen.label());
            }
            config = chosen;
            if (DjlDefaults.verbose()) {
                System.err.println("Inf-Net: PyTorch engine with " + chosen.label() + " (" + reason + ")");
            }
            return chosen;
        }
    }

    /**
     * Whether inference should run the network one slice at a time (and the caller's batch only bounds memory):
     * with oneDNN off, libtorch's fallback convolutions take several times longer per slice in a batch than alone
     * (measured on the 2-core machine of issue 16, compact model, 1 thread: 182-358 ms per slice at batch 1,
     * 1356-1364 at batch 4; a 3x3 32-channel convolution at 88x88, channels-last: 4.3 against 167 ms per slice).
     * The maps are the same either way (within 1e-5, {@code EngineConsistencyTest}).
     */
    public static boolean singleSliceInference() {
        return !ensure().onednn();
    }

    /** The configuration in force, or null before {@link #ensure()}. */
    public static EngineConfig current() {
        return config;
    }

    /** Why the configuration in force was chosen (forced, or the verdict), or null before {@link #ensure()}. */
    public static String reason() {
        return reason;
    }

    private static String mode(String property, String... allowed) {
        String v = System.getProperty(property, allowed[0]).trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new IllegalArgumentException("-D" + property + "=" + v + ": expected one of "
                + String.join(", ", allowed));
    }

    private static EngineConfig decide() {
        String onednn = mode(ONEDNN, "auto", "on", "off");
        String check = mode(SELFCHECK, "auto", "redo", "skip");
        if (!onednn.equals("auto")) {
            SelfCheckVerdict cached = SelfCheckVerdict.read(verdictFile(key()));
            reason = "forced by -D" + ONEDNN + "=" + onednn;
            return new EngineConfig(onednn.equals("on"), cached != null && cached.nnpack());
        }
        SelfCheckVerdict v = check.equals("redo") ? null : SelfCheckVerdict.read(verdictFile(key()));
        if (v == null && check.equals("skip")) {
            reason = "self-check skipped (-D" + SELFCHECK + "=skip), no cached verdict: the safe configuration";
            return new EngineConfig(false, false);
        }
        boolean ran = v == null;
        if (ran) {
            v = runSelfCheck();
        }
        EngineConfig best = v.best();
        if (best == null) {
            if (v.off().status() == SelfCheckVerdict.Status.WRONG || v.off().status() == SelfCheckVerdict.Status.CRASH) {
                throw new IllegalStateException("the PyTorch engine computes wrong convolutions (or crashes) on this "
                        + "processor with oneDNN on and off: " + v.summary());
            }
            reason = "self-check could not run (" + v.summary() + "): the safe configuration";
            System.err.println("Inf-Net: " + reason);
            return new EngineConfig(false, false);
        }
        reason = "self-check " + (ran ? "" : "cached, ") + v.summary();
        return best;
    }

    /**
     * The self-check's verdict for this machine: the cached one, or a new one (written to the cache) where
     * there is none or {@link #SELFCHECK} is {@code redo}. Whatever {@link #ONEDNN} forces.
     */
    public static synchronized SelfCheckVerdict verdict() {
        DjlDefaults.apply();
        SelfCheckVerdict v = "redo".equals(System.getProperty(SELFCHECK)) ? null : SelfCheckVerdict.read(verdictFile(key()));
        return v != null ? v : runSelfCheck();
    }

    private static SelfCheckVerdict runSelfCheck() {
        String key = key();
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        SelfCheckVerdict.Result on = runChild(true, threads);
        SelfCheckVerdict.Result off = runChild(false, threads);
        SelfCheckVerdict v = new SelfCheckVerdict(key, on, off, on.nnpack() || off.nnpack(), threads);
        Path file = verdictFile(key);
        boolean stored = v.complete();
        if (stored) {
            try {
                v.write(file);
            } catch (IOException e) {
                stored = false;
            }
        }
        System.err.printf(Locale.ROOT, "Inf-Net: checked the PyTorch engine on this processor in %.0f s: %s%s%n",
                (System.nanoTime() - t0) / 1e9, v.summary(), stored ? "; verdict cached in " + file : "");
        return v;
    }

    /** Runs {@link EngineSelfCheck} in a child JVM. */
    static SelfCheckVerdict.Result runChild(boolean onednn, int threads) {
        return runChild(onednn, threads, List.of());
    }

    /** Runs {@link EngineSelfCheck} in a child JVM with extra JVM options. */
    static SelfCheckVerdict.Result runChild(boolean onednn, int threads, List<String> jvmOptions) {
        Path log = null;
        try {
            log = Files.createTempFile("infnet-selfcheck", ".txt");
            List<String> cmd = new ArrayList<>(List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-Xss4m",
                    "-Djava.awt.headless=true"));
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-cp", childClassPath(), EngineSelfCheck.class.getName(), onednn ? "on" : "off",
                    Integer.toString(threads)));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
            Process p = pb.start();
            if (!p.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return SelfCheckVerdict.Result.parse(SelfCheckVerdict.Status.TIMEOUT, -1, Files.readAllLines(log,
                        StandardCharsets.UTF_8));
            }
            int exit = p.exitValue();
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            SelfCheckVerdict.Status s = exit == 0 ? SelfCheckVerdict.Status.PASS
                    : exit == EngineSelfCheck.EXIT_WRONG ? SelfCheckVerdict.Status.WRONG
                    : lines.stream().anyMatch(l -> l.startsWith("selfcheck nnpack")) ? SelfCheckVerdict.Status.CRASH
                    : SelfCheckVerdict.Status.ERROR;
            return SelfCheckVerdict.Result.parse(s, exit, lines);
        } catch (IOException e) {
            return new SelfCheckVerdict.Result(SelfCheckVerdict.Status.ERROR, -1, Double.NaN, false,
                    "could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SelfCheckVerdict.Result(SelfCheckVerdict.Status.ERROR, -1, Double.NaN, false, "interrupted");
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    /**
     * The child's class path: this JVM's, plus the jars (or folders) holding the classes and native libraries
     * the check needs, found by resource (in Fiji the class path property does not list the plugin's jars).
     */
    static String childClassPath() {
        Set<String> cp = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!e.isBlank()) {
                cp.add(e);
            }
        }
        ClassLoader cl = EngineSetup.class.getClassLoader();
        for (String r : List.of("org/infnet/engine/EngineSelfCheck.class", "ai/djl/engine/Engine.class",
                "ai/djl/pytorch/engine/PtEngine.class", "jnilib/pytorch.properties", "native/lib/pytorch.properties",
                "com/sun/jna/Native.class", "com/google/gson/Gson.class", "org/slf4j/LoggerFactory.class",
                "org/slf4j/simple/SimpleLogger.class", "org/apache/commons/compress/archivers/ArchiveEntry.class")) {
            try {
                for (URL u : Collections.list(cl.getResources(r))) {
                    String root = root(u, r);
                    if (root != null) {
                        cp.add(root);
                    }
                }
            } catch (IOException e) {
                // that resource's jar is left out; the child reports what it misses
            }
        }
        return String.join(java.io.File.pathSeparator, cp);
    }

    private static String root(URL u, String resource) {
        try {
            String s = u.toString();
            if (s.startsWith("jar:")) {
                int bang = s.indexOf("!/");
                return Paths.get(new URL(s.substring(4, bang)).toURI()).toString();
            }
            if (s.startsWith("file:")) {
                Path p = Paths.get(u.toURI());
                for (int i = resource.split("/").length; i > 0; i--) {
                    p = p.getParent();
                }
                return p.toString();
            }
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** The verdict file of {@code key} in the cache folder. */
    static Path verdictFile(String key) {
        String dir = System.getProperty(CACHE);
        Path base;
        if (dir != null && !dir.isBlank()) {
            base = Paths.get(dir);
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            base = (xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"),
                    ".cache")).resolve("infnet-fiji");
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return base.resolve("engine-check-" + HexFormat.of().formatHex(h, 0, 8) + ".properties");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the verdict depends on: the processor (model, flags, whether it reports cache sizes, cores), the
     * operating system, and the libtorch and DJL versions.
     */
    static String key() {
        StringBuilder k = new StringBuilder();
        k.append("os=").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append('\n');
        k.append("cores=").append(Runtime.getRuntime().availableProcessors()).append('\n');
        Path cpuinfo = Paths.get("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try {
                for (String l : Files.readAllLines(cpuinfo, StandardCharsets.ISO_8859_1)) {
                    if (l.isBlank()) {
                        break; // the first processor describes them all
                    }
                    String name = l.split(":", 2)[0].trim();
                    if (Set.of("vendor_id", "cpu family", "model", "model name", "stepping", "flags", "Features",
                            "CPU implementer", "CPU part").contains(name)) {
                        k.append(l.replaceAll("\\s+", " ").trim()).append('\n');
                    }
                }
            } catch (IOException e) {
                k.append("cpuinfo unreadable\n");
            }
            k.append("cache-info=").append(Files.isDirectory(Paths.get("/sys/devices/system/cpu/cpu0/cache")))
                    .append('\n');
        }
        String id = System.getenv("PROCESSOR_IDENTIFIER");
        if (id != null) {
            k.append("processor=").append(id).append('\n');
        }
        k.append("libtorch=").append(resource("native/lib/pytorch.properties").replace('\n', ' ').trim()).append('\n');
        k.append("djl=").append(resource("ai/djl/engine/api.properties").replace('\n', ' ').trim()).append('\n');
        return k.toString();
    }

    private static String resource(String name) {
        try (InputStream in = EngineSetup.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? "none" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
