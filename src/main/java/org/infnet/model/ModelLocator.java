package org.infnet.model;

import ai.djl.Device;
import ai.djl.nn.AbstractBlock;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds models by name or path. A model spec is either a path to a model folder, or a name looked up,
 * in this order, in: the folder named by the system property {@code infnet.models} or the environment
 * variable {@code INFNET_MODELS}; {@code ./models}; the {@code models} folder beside or one level above
 * the folder holding the plugin jar (so {@code Fiji.app/models} works for {@code Fiji.app/jars/Inf_Net.jar});
 * and finally the models bundled inside the jar.
 */
public final class ModelLocator {

    /** Name of the default model, bundled with the plugin. */
    public static final String DEFAULT = "infnet-compact";

    private ModelLocator() {}

    /** Name of the default multi-class (GGO / consolidation) model, bundled with the plugin. */
    public static final String DEFAULT_MULTICLASS = "multiclass-compact";

    /** The bundled models, by name. */
    private static final List<String> BUNDLED = List.of(DEFAULT, DEFAULT_MULTICLASS);

    /**
     * Loads the model {@code spec} of {@code kind} (a folder path or a model name; blank means the kind's bundled
     * default, {@link ModelKind#defaultName}).
     *
     * @throws IOException when it is not found, is of the other kind, or cannot be read
     */
    public static <B extends AbstractBlock> NetworkModel<B> open(ModelKind<B> kind, String spec, Device device)
            throws IOException {
        String s = spec == null || spec.isBlank() ? kind.defaultName() : spec.trim();
        Path asPath = Path.of(s);
        if (Files.isDirectory(asPath)) {
            return kind.load(asPath, device);
        }
        for (Path dir : searchFolders()) {
            Path candidate = dir.resolve(s);
            if (Files.isRegularFile(candidate.resolve(ModelDescriptor.FILE))) {
                return kind.load(candidate, device);
            }
        }
        if (ModelLocator.class.getResource("/models/" + s + "/" + ModelDescriptor.FILE) != null) {
            return kind.loadResource("/models/" + s, device);
        }
        throw new IOException("model '" + s + "' not found: not a folder, and not in " + searchFolders()
                + " or the bundled models " + bundled());
    }

    /** Names of the models that {@link #open} can find by name. */
    public static List<String> available() {
        Set<String> names = new LinkedHashSet<>(bundled());
        for (Path dir : searchFolders()) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> Files.isRegularFile(p.resolve(ModelDescriptor.FILE)))
                        .forEach(p -> names.add(p.getFileName().toString()));
            } catch (IOException e) {
                // an unreadable folder holds no usable models
            }
        }
        return new ArrayList<>(names);
    }

    private static List<String> bundled() {
        List<String> names = new ArrayList<>();
        for (String n : BUNDLED) {
            if (ModelLocator.class.getResource("/models/" + n + "/" + ModelDescriptor.FILE) != null) {
                names.add(n);
            }
        }
        return names;
    }

    /** The folders searched by name, existing ones only. */
    public static List<Path> searchFolders() {
        List<Path> dirs = new ArrayList<>();
        String prop = System.getProperty("infnet.models", System.getenv("INFNET_MODELS"));
        if (prop != null && !prop.isBlank()) {
            dirs.add(Path.of(prop));
        }
        dirs.add(Path.of("models"));
        try {
            Path jar = Path.of(ModelLocator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = jar.getParent();
            if (dir != null) {
                dirs.add(dir.resolve("models"));
                if (dir.getParent() != null) {
                    dirs.add(dir.getParent().resolve("models"));
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source (e.g. an unusual class loader): only the other folders are searched
        }
        List<Path> existing = new ArrayList<>();
        for (Path d : dirs) {
            Path n = d.toAbsolutePath().normalize();
            if (Files.isDirectory(n) && !existing.contains(n)) {
                existing.add(n);
            }
        }
        return existing;
    }
}
