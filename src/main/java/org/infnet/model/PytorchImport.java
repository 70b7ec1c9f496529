package org.infnet.model;

import ai.djl.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.infnet.io.SafeTensors;
import org.infnet.io.torch.TorchCheckpoint;
import org.infnet.io.torch.TorchTensor;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.ReferenceNames;
import org.infnet.nn.ReferenceTable;
import org.infnet.nn.UNetConfig;

/**
 * Imports a state dict of the original PyTorch implementation into a model folder of this project.
 *
 * <p>The checkpoint is matched against the bundled reference table of its architecture: every row
 * must be present exactly once with its exact shape, and no other key may be present; otherwise the
 * error lists the missing, unexpected and mis-shaped keys. Rows the network does not use (the
 * backbone's ImageNet classifier {@code resnet.fc.*} and the batch-norm counters
 * {@code num_batches_tracked}) are dropped and reported. Values are copied through
 * {@link ReferenceNames}, the same names the model folder's weights use.
 */
public final class PytorchImport {

    /** Architecture of the original Inf-Net (Res2Net-50 backbone). */
    public static final String INFNET = InfNetConfig.PAPER.architecture();

    /** Architecture of the original multi-class U-Net. */
    public static final String UNET = UNetConfig.PAPER.architecture();

    /** Preset architectures {@code --arch} accepts by name (besides the path of a {@code model.json}). */
    public static final List<String> ARCHITECTURES = List.of(INFNET, InfNetConfig.COMPACT.architecture(),
            InfNetConfig.MEDIUM.architecture(), UNET, UNetConfig.COMPACT.architecture());

    private static final int LIST_LIMIT = 10;

    private PytorchImport() {}

    /**
     * What an import did.
     *
     * @param folder the model folder written
     * @param descriptor its descriptor
     * @param sha256 SHA-256 of the checkpoint file
     * @param used number of tensors copied into the network
     * @param dropped keys present in the checkpoint that the network does not use
     * @param format checkpoint format, {@code zip} or {@code legacy}
     * @param container where the state dict was: {@code top level} or its key
     * @param strippedPrefixes number of keys whose {@code module.} prefix was removed
     */
    public record Report(Path folder, ModelDescriptor descriptor, String sha256, int used, List<String> dropped,
            String format, String container, int strippedPrefixes) {}

    /**
     * The outcome of matching a state dict against a reference table.
     *
     * @param used tensors the network takes, by reference name, in table order
     * @param dropped keys of rows the network does not use, in table order
     */
    public record Mapping(Map<String, TorchTensor> used, List<String> dropped) {}

    /**
     * Matches {@code stateDict} against {@code table}: every row consumed exactly once with its shape,
     * nothing left over. Rows whose name is not in {@code networkNames} are dropped; they must be rows a
     * network legitimately ignores (classifier, batch counters).
     *
     * @param networkNames the reference names of the network's parameters; {@code null} only checks
     * @throws IOException naming {@code source} and listing every missing, unexpected, duplicated and
     *     mis-shaped key
     */
    public static Mapping map(Map<String, TorchTensor> stateDict, ReferenceTable table, Set<String> networkNames,
            String architecture, String source) throws IOException {
        Map<String, Integer> consumed = new HashMap<>();
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<String> notFloat = new ArrayList<>();
        Map<String, TorchTensor> used = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        for (ReferenceTable.Row row : table.rows()) {
            TorchTensor t = stateDict.get(row.name());
            if (t == null) {
                missing.add(row.name() + " (" + row.shapeString() + ")");
                continue;
            }
            if (consumed.merge(row.name(), 1, Integer::sum) > 1) {
                duplicated.add(row.name());
                continue;
            }
            if (!Arrays.equals(t.shape(), row.shape())) {
                misShaped.add(row.name() + " is " + t.shapeString() + ", expected " + row.shapeString());
                continue;
            }
            if (networkNames == null || networkNames.contains(row.name())) {
                if (!t.isFloatingPoint() && !row.name().endsWith(".num_batches_tracked")) {
                    notFloat.add(row.name() + " is " + t.dtype());
                } else {
                    used.put(row.name(), t);
                }
            } else if (isIgnorable(row.name())) {
                dropped.add(row.name());
            } else {
                throw new IllegalStateException("reference row " + row.name() + " has no parameter in the network");
            }
        }
        List<String> extra = new ArrayList<>();
        for (String k : stateDict.keySet()) {
            if (!consumed.containsKey(k)) {
                extra.add(k + " (" + stateDict.get(k).shapeString() + ")");
            }
        }
        List<String> parts = new ArrayList<>();
        list(parts, "missing", missing);
        list(parts, "unexpected", extra);
        list(parts, "wrong shape", misShaped);
        list(parts, "not floating point", notFloat);
        list(parts, "listed twice in the reference table", duplicated);
        if (!parts.isEmpty()) {
            throw new IOException(source + ": does not match the " + architecture + " state dict: "
                    + String.join("; ", parts));
        }
        if (networkNames != null) {
            for (String n : networkNames) {
                if (!used.containsKey(n)) {
                    throw new IllegalStateException("network parameter " + n + " has no reference row");
                }
            }
        }
        return new Mapping(used, dropped);
    }

    private static boolean isIgnorable(String name) {
        return name.startsWith("resnet.fc.") || name.endsWith(".num_batches_tracked");
    }

    private static void list(List<String> parts, String what, List<String> keys) {
        if (!keys.isEmpty()) {
            int n = keys.size();
            parts.add(n + " " + what + ": " + String.join(", ", keys.subList(0, Math.min(LIST_LIMIT, n)))
                    + (n > LIST_LIMIT ? ", ... (" + (n - LIST_LIMIT) + " more)" : ""));
        }
    }

    /**
     * Imports {@code checkpoint} of architecture {@code arch} into a new model folder {@code output}.
     *
     * <p>{@code arch} is a preset name ({@link #ARCHITECTURES}) or the path of a {@code model.json} (or of a model
     * folder holding one) whose network, input size and normalisation the new model takes: that is how networks
     * of other widths trained in PyTorch (e.g. by {@code bench/python/gpu/train_gpu.py}) enter. The two original
     * architectures are matched against the original's bundled state-dict tables; any other network against the
     * table of its own parameters (names of the original's modules, shapes from the network), which a checkpoint
     * must fill exactly (plus the batch-norm counters, which are dropped).
     *
     * @param name model name; {@code null} or blank uses the checkpoint's file name without extension
     * @throws IOException if the file cannot be read, does not match the architecture, or the folder
     *     cannot be written
     */
    public static Report run(Path checkpoint, String arch, Path output, String name, Device device) throws IOException {
        ModelDescriptor template = template(arch);
        if (!Files.isRegularFile(checkpoint)) {
            throw new IOException(checkpoint + ": no such file");
        }
        if (Files.exists(output.resolve(ModelDescriptor.FILE))) {
            throw new IOException(output + " already holds a model; choose another output folder");
        }
        TorchCheckpoint ckpt = TorchCheckpoint.read(checkpoint);
        String archName = template.architecture();
        boolean bundled = ReferenceTable.BUNDLED.contains(archName);
        if (template.isUNet() && bundled) {
            // validate before building the network, so that a wrong checkpoint fails fast
            map(ckpt.tensors(), ReferenceTable.bundled(archName), null, archName, checkpoint.toString());
        }
        String sha = sha256(checkpoint);
        String file = checkpoint.getFileName().toString();
        String modelName = name == null || name.isBlank() ? file.replaceFirst("\\.[^.]*$", "") : name;
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("source", bundled
                ? "PyTorch checkpoint of the original implementation, imported with import-pytorch"
                : "PyTorch checkpoint of a " + archName + " (original module names), imported with import-pytorch");
        prov.put("source_file", file);
        prov.put("source_sha256", sha);
        prov.put("source_format", ckpt.format() + " (state dict at " + ckpt.container() + ")");
        prov.put("imported", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ModelDescriptor d = new ModelDescriptor(ModelDescriptor.FORMAT, modelName, template.network(),
                template.inputSize(), template.normalisation(), template.input(), template.outputs(),
                "model.safetensors", new LinkedHashMap<>(), new LinkedHashMap<>(), template.unet());
        try (NetworkModel<?> model = d.isUNet() ? ModelKind.UNET.create(d, device) : ModelKind.INFNET.create(d, device)) {
            ReferenceTable table = bundled ? ReferenceTable.bundled(archName) : tableOf(model);
            Mapping m = map(ckpt.tensors(), table, model.parameters().keySet(), archName, checkpoint.toString());
            model.setWeights(toSafeTensors(m), checkpoint.toString());
            ModelDescriptor desc = d.with(provenance(prov, m), Map.of());
            model.save(output, desc);
            return new Report(output, desc, sha, m.used().size(), m.dropped(), ckpt.format(), ckpt.container(),
                    ckpt.strippedPrefixes());
        }
    }

    /**
     * The descriptor a new model of {@code arch} starts from: a preset's defaults, or a copy of the
     * {@code model.json} at that path (a file, or a folder holding one).
     *
     * @throws IOException naming the known presets when {@code arch} is neither
     */
    static ModelDescriptor template(String arch) throws IOException {
        if (arch == null || arch.isBlank()) {
            throw new IOException("no architecture given (known: " + String.join(", ", ARCHITECTURES)
                    + ", or the path of a model.json)");
        }
        if (ARCHITECTURES.contains(arch)) {
            return UNetConfig.isPreset(arch) ? ModelDescriptor.create(arch, UNetConfig.preset(arch))
                    : ModelDescriptor.create(arch, InfNetConfig.preset(arch));
        }
        Path p = Path.of(arch);
        Path json = Files.isDirectory(p) ? p.resolve(ModelDescriptor.FILE) : p;
        if (!json.getFileName().toString().endsWith(".json") || !Files.isRegularFile(json)) {
            throw new IOException("unknown architecture '" + arch + "' (known: " + String.join(", ", ARCHITECTURES)
                    + ", or the path of a model.json)");
        }
        return ModelDescriptor.parse(Files.readString(json), json.toString());
    }

    /**
     * The state-dict table of a network's own parameters: every parameter under its original name and shape,
     * and a {@code num_batches_tracked} counter beside each batch norm's running mean, in the block tree's
     * order (the order of the original's {@code state_dict()}).
     */
    static ReferenceTable tableOf(NetworkModel<?> model) {
        List<ReferenceTable.Row> rows = new ArrayList<>();
        for (Map.Entry<String, ai.djl.nn.Parameter> e : model.parameters().entrySet()) {
            rows.add(new ReferenceTable.Row(rows.size(), e.getKey(), e.getValue().getArray().getShape().getShape()));
            if (e.getKey().endsWith(".running_var")) {
                String counter = e.getKey().substring(0, e.getKey().length() - "running_var".length())
                        + "num_batches_tracked";
                rows.add(new ReferenceTable.Row(rows.size(), counter, new long[0]));
            }
        }
        return new ReferenceTable(List.copyOf(rows));
    }

    private static Map<String, SafeTensors.Tensor> toSafeTensors(Mapping m) {
        Map<String, SafeTensors.Tensor> weights = new LinkedHashMap<>();
        m.used().forEach((k, t) -> weights.put(k, new SafeTensors.Tensor(t.shape(), t.data())));
        return weights;
    }

    private static Map<String, String> provenance(Map<String, String> base, Mapping m) {
        Map<String, String> prov = new LinkedHashMap<>(base);
        prov.put("tensors_used", Integer.toString(m.used().size()));
        prov.put("tensors_dropped", m.dropped().size() + ": " + summariseDropped(m.dropped()));
        return prov;
    }

    /** E.g. {@code resnet.fc.weight, resnet.fc.bias, 53 x num_batches_tracked}. */
    public static String summariseDropped(List<String> dropped) {
        List<String> parts = new ArrayList<>();
        long counters = dropped.stream().filter(s -> s.endsWith(".num_batches_tracked")).count();
        dropped.stream().filter(s -> !s.endsWith(".num_batches_tracked")).forEach(parts::add);
        if (counters > 0) {
            parts.add(counters + " x num_batches_tracked");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
