package org.infnet.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.infnet.io.AtomicFiles;
import org.infnet.io.SafeTensors;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.ReferenceNames;
import org.infnet.nn.UNetConfig;

/**
 * A multi-class U-Net with its weights and descriptor, owning the DJL {@link Model} that holds the
 * parameters; the U-Net counterpart of {@link InfNetModel}. Close it to free the native memory.
 *
 * <p>The model folder has the same layout as an Inf-Net's: {@code model.json} ({@link ModelDescriptor}
 * with its {@code unet} entry set) and a safetensors file keyed by the original PyTorch state-dict
 * names ({@link ReferenceNames}), running statistics included.
 */
public final class MultiClassModel implements AutoCloseable {

    private final Model model;
    private final MultiClassUNet net;
    private final ModelDescriptor descriptor;
    private final Map<String, Parameter> params;

    private MultiClassModel(ModelDescriptor descriptor, Device device) {
        if (!descriptor.isUNet()) {
            throw new IllegalArgumentException("descriptor '" + descriptor.name() + "' describes "
                    + descriptor.architecture() + ", not a multi-class U-Net (use InfNetModel)");
        }
        this.descriptor = descriptor;
        this.model = Model.newInstance(descriptor.name(), device, "PyTorch");
        this.net = new MultiClassUNet(descriptor.unet());
        // Kaiming-normal (fan-in, gain 2) for convolutions trained from scratch
        net.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, net.inputShape(1, 32));
        this.params = ReferenceNames.of(net);
    }

    /** A new, randomly initialised network described by {@code descriptor} (which must describe a U-Net). */
    public static MultiClassModel create(ModelDescriptor descriptor, Device device) {
        return new MultiClassModel(descriptor, device);
    }

    /** A new, randomly initialised network of the given architecture with the original's conventions. */
    public static MultiClassModel create(String name, UNetConfig config, Device device) {
        return create(ModelDescriptor.create(name, config), device);
    }

    /** Whether the folder's descriptor describes a multi-class U-Net (false if there is no valid descriptor). */
    public static boolean isUNetFolder(Path folder) {
        try {
            return readDescriptor(folder).isUNet();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Loads a model folder.
     *
     * @throws IOException naming the folder and the problem: missing or invalid descriptor, a descriptor
     *     of an Inf-Net, missing, truncated or corrupt weights, or weights that do not fit the network
     */
    public static MultiClassModel load(Path folder, Device device) throws IOException {
        ModelDescriptor d = readDescriptor(folder);
        if (!d.isUNet()) {
            throw new IOException(folder + ": holds an Inf-Net (" + d.architecture() + "), not a multi-class U-Net");
        }
        Map<String, SafeTensors.Tensor> weights = SafeTensors.read(folder.resolve(d.weights()));
        MultiClassModel m = new MultiClassModel(d, device);
        try {
            m.setWeights(weights, folder.toString());
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static ModelDescriptor readDescriptor(Path folder) throws IOException {
        Path desc = folder.resolve(ModelDescriptor.FILE);
        if (!Files.isRegularFile(desc)) {
            throw new IOException(folder + ": not a model folder (no " + ModelDescriptor.FILE + ")");
        }
        return ModelDescriptor.parse(Files.readString(desc, StandardCharsets.UTF_8), desc.toString());
    }

    /**
     * Copies weights into the network. Every parameter must be present with its exact shape, and no
     * entry may be left over; otherwise an IOException lists the missing, unexpected and mis-shaped names.
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
            } else if (!Arrays.equals(t.shape(), a.getShape().getShape())) {
                problems.add(e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", network expects "
                        + a.getShape());
            } else {
                a.set(t.data());
            }
        }
        extra.forEach(k -> problems.add("unexpected " + k));
        if (!problems.isEmpty()) {
            int n = problems.size();
            String head = String.join("; ", problems.subList(0, Math.min(8, n)));
            throw new IOException(source + ": weights do not fit network " + descriptor.architecture()
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
        if (!descriptor.isUNet()) {
            throw new IllegalArgumentException("a U-Net must be saved with a U-Net descriptor");
        }
        Files.createDirectories(folder);
        SafeTensors.write(folder.resolve(descriptor.weights()), weights(),
                Map.of("format", ModelDescriptor.FORMAT, "architecture", descriptor.architecture()));
        AtomicFiles.writeString(folder.resolve(ModelDescriptor.FILE), descriptor.toJson());
    }

    /**
     * Encodes slices and infection priors (each {@code side * side} values in [0,1], side = {@link
     * ModelDescriptor#inputSize()} usually) into the (B, 6, side, side) input: the slice replicated to
     * channels 0-2 and the prior to channels 3-5, both normalised with the descriptor's per-channel
     * mean and std, as the original applies one transform to both images.
     */
    public NDArray encode(NDManager m, List<float[]> slices, List<float[]> priors, int side) {
        if (slices.size() != priors.size()) {
            throw new IllegalArgumentException(slices.size() + " slices but " + priors.size() + " priors");
        }
        if (descriptor.unet().inChannels() != 6) {
            throw new IllegalStateException("encode builds 6-channel inputs; this U-Net takes "
                    + descriptor.unet().inChannels());
        }
        int plane = side * side;
        float[] mean = descriptor.normalisation().mean();
        float[] std = descriptor.normalisation().std();
        float[] data = new float[slices.size() * 6 * plane];
        for (int b = 0; b < slices.size(); b++) {
            float[][] src = {slices.get(b), priors.get(b)};
            for (int part = 0; part < 2; part++) {
                if (src[part].length != plane) {
                    throw new IllegalArgumentException((part == 0 ? "slice " : "prior ") + b + " has "
                            + src[part].length + " values, expected " + plane);
                }
                for (int c = 0; c < 3; c++) {
                    int off = (b * 6 + part * 3 + c) * plane;
                    float mu = mean[c];
                    float inv = 1f / std[c];
                    for (int i = 0; i < plane; i++) {
                        data[off + i] = (src[part][i] - mu) * inv;
                    }
                }
            }
        }
        return m.create(data, new Shape(slices.size(), 6, side, side));
    }

    /** Evaluation-mode logits (B, classes, H, W) of an encoded input; the result lives in {@code m}. */
    public NDArray logits(NDManager m, NDArray input) {
        return net.forward(new ParameterStore(m, false), new NDList(input), false).head();
    }

    /** Stops gradient recording on every parameter (inference only: faster, less memory). */
    public void freeze() {
        params.values().forEach(p -> p.getArray().setRequiresGradient(false));
    }

    /** The network. */
    public MultiClassUNet net() {
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
