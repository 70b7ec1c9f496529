package org.infnet.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.infnet.io.AtomicFiles;
import org.infnet.io.SafeTensors;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.ReferenceNames;

/**
 * An Inf-Net with its weights and descriptor, owning the DJL {@link Model} that holds the parameters.
 * Close it to free the native memory.
 *
 * <p>A model folder holds {@code model.json} ({@link ModelDescriptor}) and the weights named there, a
 * safetensors file keyed by the original PyTorch state-dict names ({@link ReferenceNames}).
 */
public final class InfNetModel implements AutoCloseable {

    private final Model model;
    private final InfNet net;
    private final ModelDescriptor descriptor;
    private final Map<String, Parameter> params;

    private InfNetModel(ModelDescriptor descriptor, Device device) {
        if (descriptor.network() == null) {
            throw new IllegalArgumentException("descriptor '" + descriptor.name() + "' describes a "
                    + descriptor.architecture() + ", not an Inf-Net (use MultiClassModel)");
        }
        this.descriptor = descriptor;
        this.model = Model.newInstance(descriptor.name(), device, "PyTorch");
        this.net = new InfNet(descriptor.network());
        // Kaiming-normal (fan-in, gain 2) for convolutions trained from scratch
        net.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, InfNet.inputShape(1, 64));
        this.params = ReferenceNames.of(net);
    }

    /** A new, randomly initialised network described by {@code descriptor}. */
    public static InfNetModel create(ModelDescriptor descriptor, Device device) {
        return new InfNetModel(descriptor, device);
    }

    /** A new, randomly initialised network of the given architecture with default conventions. */
    public static InfNetModel create(String name, InfNetConfig config, Device device) {
        return create(ModelDescriptor.create(name, config), device);
    }

    /**
     * Loads a model folder.
     *
     * @throws IOException naming the folder and the problem: missing or invalid descriptor, missing,
     *     truncated or corrupt weights, or weights that do not fit the described network
     */
    public static InfNetModel load(Path folder, Device device) throws IOException {
        Path desc = folder.resolve(ModelDescriptor.FILE);
        if (!Files.isRegularFile(desc)) {
            throw new IOException(folder + ": not a model folder (no " + ModelDescriptor.FILE + ")");
        }
        ModelDescriptor d = ModelDescriptor.parse(Files.readString(desc, StandardCharsets.UTF_8), desc.toString());
        Map<String, SafeTensors.Tensor> weights = SafeTensors.read(folder.resolve(d.weights()));
        return withWeights(d, weights, device, folder.toString());
    }

    /** Loads a model folder packaged as class-path resources under {@code base} (e.g. {@code /models/x}). */
    public static InfNetModel loadResource(String base, Device device) throws IOException {
        String descName = base + "/" + ModelDescriptor.FILE;
        ModelDescriptor d;
        try (InputStream in = InfNetModel.class.getResourceAsStream(descName)) {
            if (in == null) {
                throw new IOException(descName + ": no such bundled model");
            }
            d = ModelDescriptor.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), descName);
        }
        String wName = base + "/" + d.weights();
        try (InputStream in = InfNetModel.class.getResourceAsStream(wName)) {
            if (in == null) {
                throw new IOException(wName + ": bundled weights missing");
            }
            return withWeights(d, SafeTensors.read(in, wName), device, base);
        }
    }

    private static InfNetModel withWeights(
            ModelDescriptor d, Map<String, SafeTensors.Tensor> weights, Device device, String source)
            throws IOException {
        if (d.isUNet()) {
            throw new IOException(source + ": holds a multi-class U-Net (" + d.architecture()
                    + "), not an Inf-Net");
        }
        InfNetModel m = new InfNetModel(d, device);
        try {
            m.setWeights(weights, source);
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Copies weights into the network. Every parameter must be present with its exact shape, and no
     * entry may be left over; otherwise nothing is guaranteed about the network and an IOException
     * lists the missing, unexpected and mis-shaped names.
     */
    public void setWeights(Map<String, SafeTensors.Tensor> weights, String source) throws IOException {
        List<String> problems = new ArrayList<>();
        TreeSet<String> extra = new TreeSet<>(weights.keySet());
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            SafeTensors.Tensor t = weights.get(e.getKey());
            extra.remove(e.getKey());
            NDArray a = e.getValue().getArray();
            if (t == null) {
                problems.add("missing " + e.getKey());
            } else if (!java.util.Arrays.equals(t.shape(), a.getShape().getShape())) {
                problems.add(e.getKey() + " has shape " + java.util.Arrays.toString(t.shape()) + ", network expects "
                        + a.getShape());
            } else {
                a.set(t.data());
            }
        }
        extra.forEach(k -> problems.add("unexpected " + k));
        if (!problems.isEmpty()) {
            int n = problems.size();
            String head = String.join("; ", problems.subList(0, Math.min(8, n)));
            throw new IOException(source + ": weights do not fit network " + descriptor.network().architecture()
                    + " (" + n + " problem" + (n == 1 ? "" : "s") + ": " + head + (n > 8 ? "; ..." : "") + ")");
        }
    }

    /** All parameter values (including running statistics) under their reference names. */
    public Map<String, SafeTensors.Tensor> weights() {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        params.forEach((k, p) -> {
            NDArray a = p.getArray();
            out.put(k, new SafeTensors.Tensor(a.getShape().getShape(), a.toFloatArray()));
        });
        return out;
    }

    /** Writes the model folder (descriptor and weights), each file atomically. */
    public void save(Path folder, ModelDescriptor descriptor) throws IOException {
        Files.createDirectories(folder);
        SafeTensors.write(folder.resolve(descriptor.weights()), weights(),
                Map.of("format", ModelDescriptor.FORMAT, "architecture", descriptor.network().architecture()));
        AtomicFiles.writeString(folder.resolve(ModelDescriptor.FILE), descriptor.toJson());
    }

    /** Stops gradient recording on every parameter (inference only: faster, less memory). */
    public void freeze() {
        params.values().forEach(p -> p.getArray().setRequiresGradient(false));
    }

    /** The network. */
    public InfNet net() {
        return net;
    }

    /** The descriptor the network was built from. */
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    /** Parameters by reference name. */
    public Map<String, Parameter> parameters() {
        return params;
    }

    /** The manager holding the parameters; create per-batch sub-managers from it. */
    public NDManager manager() {
        return model.getNDManager();
    }

    @Override
    public void close() {
        model.close();
    }
}
