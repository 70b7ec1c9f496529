package org.infnet.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The distribution built by {@code mvn -Pdist verify} (profile {@code dist}): Fiji's update-site layout in
 * {@code target/dist}, the extra jars plain ImageJ 1.x needs in {@code target/dist-imagej1}, DJL's platform
 * selection of every desktop platform's native jar (offline, under a simulated {@code os.name}/{@code os.arch}),
 * and one command run by plain ImageJ 1.x through its own plugin class loader.
 */
class DistributionIT {

    private static final Path DIST = Path.of(System.getProperty("dist.dir", "target/dist"));
    private static final Path IJ1 = Path.of(DIST + "-imagej1");
    private static final String DJL = System.getProperty("djl.version", "0.36.0");
    private static final String TORCH = System.getProperty("pytorch.version", "2.7.1");

    /** Fiji platform folder -> DJL classifier. */
    private static final Map<String, String> PLATFORMS = new LinkedHashMap<>();

    static {
        PLATFORMS.put("linux64", "linux-x86_64");
        PLATFORMS.put("linux-arm64", "linux-aarch64");
        PLATFORMS.put("macos-arm64", "osx-aarch64");
        PLATFORMS.put("win64", "win-x86_64");
    }

    @TempDir
    Path tmp;

    @Test
    void updateSiteLayoutHasThePluginTheRenamedDjlJarsTheModelsAndOneNativeJarPerPlatformFolder() throws Exception {
        assertTrue(Files.isRegularFile(DIST.resolve("plugins/Inf_Net.jar")), "plugins/Inf_Net.jar");
        try (ZipFile jar = new ZipFile(DIST.resolve("plugins/Inf_Net.jar").toFile())) {
            assertNotNull(jar.getEntry("plugins.config"), "plugins.config in the plugin jar");
            assertNotNull(jar.getEntry("org/infnet/ij1/InfNetPlugIn.class"));
            assertNotNull(jar.getEntry("META-INF/json/org.scijava.plugin.Plugin"), "SciJava plugin index");
            // benchmarks (bench/) and the phantom generator (test sources) are not part of the product
            assertEquals(List.of(), jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.matches("(?i).*(bench|phantom).*\\.class")).toList(), "benchmark classes in the jar");
        }
        assertEquals(new TreeSet<>(List.of("djl-api-" + DJL + ".jar", "djl-pytorch-engine-" + DJL + ".jar",
                "djl-pytorch-jni-" + TORCH + "-" + DJL + ".jar",
                "onnxruntime-" + System.getProperty("onnxruntime.version") + ".jar")), names(DIST.resolve("jars")),
                "jars/ holds only DJL's jars and ONNX Runtime's (the default engine), under names that cannot collide"
                        + " with Fiji's");
        for (Map.Entry<String, String> e : PLATFORMS.entrySet()) {
            Path dir = DIST.resolve("jars").resolve(e.getKey());
            assertEquals(new TreeSet<>(List.of("djl-pytorch-native-cpu-" + TORCH + "-" + e.getValue() + ".jar")),
                    names(dir), e.getKey());
            Properties p = nativeProperties(dir.resolve("djl-pytorch-native-cpu-" + TORCH + "-" + e.getValue() + ".jar"));
            assertEquals(e.getValue(), p.getProperty("classifier"), "the jar in " + e.getKey() + " is its platform's");
            assertEquals("cpu", p.getProperty("flavor"));
            assertTrue(p.getProperty("version").startsWith(TORCH + "-"), p.getProperty("version"));
        }
        try (Stream<Path> dirs = Files.list(DIST.resolve("jars"))) {
            assertEquals(new TreeSet<>(PLATFORMS.keySet()), dirs.filter(Files::isDirectory)
                    .map(d -> d.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        }
        assertTrue(Files.isRegularFile(DIST.resolve("models/infnet-compact/model.json")), "models/infnet-compact");
        assertTrue(Files.isRegularFile(DIST.resolve("models/infnet-compact/model.safetensors")));
    }

    @Test
    void nothingThatFijiLoadsCarriesAnSlf4jBindingAndPlainImageJGetsTheJarsFijiAlreadyHas() throws Exception {
        for (Path jar : jarsUnder(DIST)) {
            try (ZipFile z = new ZipFile(jar.toFile())) {
                assertTrue(z.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider") == null
                        && z.getEntry("org/slf4j/impl/StaticLoggerBinder.class") == null
                        && z.getEntry("org/slf4j/simple/SimpleLogger.class") == null, "SLF4J binding in " + jar);
            }
        }
        TreeSet<String> extra = names(IJ1.resolve("jars"));
        for (String prefix : List.of("scijava-common-", "parsington-", "imglib2-", "gson-", "jna-", "commons-compress-",
                "slf4j-api-", "slf4j-nop-")) {
            assertTrue(extra.stream().anyMatch(n -> n.startsWith(prefix)), prefix + " in " + extra);
        }
        assertFalse(extra.stream().anyMatch(n -> n.startsWith("ij-") || n.startsWith("slf4j-simple")
                || n.startsWith("api-") || n.startsWith("pytorch-")), extra.toString());
    }

    /** DJL's selection (ai.djl.util.Platform, as ai.djl.pytorch.jni.LibUtils calls it) per simulated platform. */
    @ParameterizedTest
    @CsvSource({
        "Linux,            amd64,   linux-x86_64,  libdjl_torch.so",
        "Linux,            aarch64, linux-aarch64, libdjl_torch.so",
        "Mac OS X,         aarch64, osx-aarch64,   libdjl_torch.dylib",
        "Windows 11,       amd64,   win-x86_64,    djl_torch.dll",
    })
    void djlPicksEachPlatformsNativeJarOfflineWithAllFourOnTheClassPath(String osName, String osArch,
            String classifier, String jniName) throws Exception {
        Path probe = probeClasses("DjlPlatformProbe");
        List<String> cp = new ArrayList<>();
        cp.add(probe.toString());
        for (Path jar : jarsUnder(DIST.resolve("jars"))) { // as Fiji's launcher: jars/*.jar and jars/*/*.jar
            cp.add(jar.toString());
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String n = Path.of(entry).getFileName().toString();
            if (n.startsWith("slf4j-api") || n.startsWith("gson") || n.startsWith("jna") || n.startsWith("commons-compress")) {
                cp.add(entry);
            }
        }
        Map<String, String> out = run(List.of(java(), "-Xmx256m", "-Dos.name=" + osName, "-Dos.arch=" + osArch,
                "-Dai.djl.offline=true", "-cp", String.join(File.pathSeparator, cp),
                "org.infnet.dist.DjlPlatformProbe", jniName), 60);
        assertEquals("false", out.get("placeholder"), "a bundled platform is found, nothing to download: " + out);
        assertEquals(classifier, out.get("classifier"), out.toString());
        assertEquals("cpu", out.get("flavor"), out.toString());
        assertTrue(out.get("version").startsWith(TORCH + "-"), out.toString());
        assertEquals(DJL, out.get("apiVersion"), out.toString());
        assertTrue(out.get("source").contains("djl-pytorch-native-cpu-" + TORCH + "-" + classifier + ".jar"), out.toString());
        assertTrue(Integer.parseInt(out.get("libraries")) >= 3, out.toString());
        assertEquals("0", out.get("missingLibraries"), out.toString());
        assertEquals("true", out.get("jni"), "JNI library for " + classifier + " in the jni jar: " + out);
        assertTrue(out.get("jniVersion").startsWith(TORCH + "-" + DJL), "JNI matches, no download: " + out);
    }

    /**
     * Plain ImageJ 1.x, headless: ImageJ's plugin class loader over {@code plugins/} and {@code jars/} of an
     * ImageJ folder made of ij.jar, the distribution and the ImageJ 1.x extras, runs the {@code plugins.config}
     * entry of Segment Lung Infection on a test image with the bundled model.
     */
    @Test
    void plainImageJ1RunsSegmentLungInfectionThroughItsPluginsConfigEntry() throws Exception {
        Path ij = tmp.resolve("ImageJ");
        Files.createDirectories(ij.resolve("plugins"));
        Files.createDirectories(ij.resolve("jars"));
        Files.copy(DIST.resolve("plugins/Inf_Net.jar"), ij.resolve("plugins/Inf_Net.jar"));
        for (Path jar : jarsIn(DIST.resolve("jars"))) {
            Files.copy(jar, ij.resolve("jars").resolve(jar.getFileName()));
        }
        String own = hostFijiPlatform();
        Path nat = jarsIn(DIST.resolve("jars").resolve(own)).get(0);
        Files.copy(nat, ij.resolve("jars").resolve(nat.getFileName()));
        for (Path jar : jarsIn(IJ1.resolve("jars"))) {
            Files.copy(jar, ij.resolve("jars").resolve(jar.getFileName()));
        }
        String ijJar = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().matches("ij-1\\..*\\.jar")) {
                ijJar = entry;
            }
        }
        assertNotNull(ijJar, "ij.jar on the test class path");
        String entry = pluginsConfigEntry("Segment Lung Infection");
        String cls = entry.substring(0, entry.indexOf('('));
        String arg = entry.substring(entry.indexOf('"') + 1, entry.lastIndexOf('"'));
        Path image;
        try (Stream<Path> s = Files.list(Path.of("test-images", "Imgs"))) {
            image = s.sorted().findFirst().orElseThrow().toAbsolutePath();
        }
        Map<String, String> out = run(List.of(java(), "-Xmx2g", "-Djava.awt.headless=true",
                "-Dai.djl.pytorch.num_threads=1", "-DOPT_OUT_TRACKING=true", "-Dai.djl.offline=true",
                "-Dplugins.dir=" + ij,
                "-cp", ijJar + File.pathSeparator + probeClasses("PlainImageJProbe"),
                "org.infnet.dist.PlainImageJProbe", image.toString(), cls, arg, "model=infnet-compact threshold=0.5"), 300);
        assertEquals("org.infnet.ij1.InfNetPlugIn", out.get("plugin"), out.toString());
        assertEquals("ij.io.PluginClassLoader", out.get("loader"), "loaded from plugins/ by ImageJ 1.x: " + out);
        String base = image.getFileName().toString().replaceAll("\\.[^.]+$", "");
        assertTrue(out.get("images").contains(base + "_mask") && out.get("images").contains(base + "_probability"),
                "the command's outputs: " + out);
    }

    // -- helpers --

    private static String pluginsConfigEntry(String label) throws IOException {
        try (ZipFile jar = new ZipFile(DIST.resolve("plugins/Inf_Net.jar").toFile());
                InputStream in = jar.getInputStream(jar.getEntry("plugins.config"))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                if (!line.startsWith("#") && line.contains("\"" + label + "\"")) {
                    return line.substring(line.indexOf(',', line.indexOf("\"" + label + "\"")) + 1).strip();
                }
            }
        }
        throw new AssertionError("no plugins.config entry for " + label);
    }

    private static String hostFijiPlatform() {
        String os = System.getProperty("os.name");
        boolean arm = System.getProperty("os.arch").equals("aarch64");
        return os.startsWith("Win") ? "win64" : os.startsWith("Mac") ? "macos-arm64" : arm ? "linux-arm64" : "linux64";
    }

    /** Copies the probe's class file alone into a fresh folder, so that the child sees no other test class. */
    private Path probeClasses(String simpleName) throws IOException {
        Path dir = tmp.resolve("probe-" + simpleName);
        Path rel = Path.of("org", "infnet", "dist", simpleName + ".class");
        Files.createDirectories(dir.resolve(rel).getParent());
        Path src = Path.of("target", "test-classes").resolve(rel);
        Files.copy(src, dir.resolve(rel), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a child JVM and returns its key=value lines (repeated keys are joined with '|'). */
    private static Map<String, String> run(List<String> cmd, int timeoutS) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] bytes;
        try (InputStream in = p.getInputStream()) {
            bytes = in.readAllBytes();
        }
        assertTrue(p.waitFor(timeoutS, TimeUnit.SECONDS), "child JVM finished");
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[a-zA-Z]+")) {
                String k = line.substring(0, eq);
                String key = k.equals("image") ? "images" : k;
                out.merge(key, line.substring(eq + 1), (a, b) -> a + "|" + b);
            }
        }
        out.put("output", text.length() > 4000 ? text.substring(text.length() - 4000) : text);
        return out;
    }

    private static Properties nativeProperties(Path jar) throws IOException {
        try (ZipFile z = new ZipFile(jar.toFile()); InputStream in = z.getInputStream(z.getEntry("native/lib/pytorch.properties"))) {
            Properties p = new Properties();
            p.load(in);
            return p;
        }
    }

    private static TreeSet<String> names(Path dir) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        for (Path p : jarsIn(dir)) {
            out.add(p.getFileName().toString());
        }
        return out;
    }

    private static List<Path> jarsIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static List<Path> jarsUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".jar")).sorted().toList();
        }
    }
}
