package org.infnet.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.infnet.engine.EngineSetup;
import org.infnet.io.AtomicFiles;
import org.infnet.io.SafeTensors;
import org.infnet.nn.FrozenWeights;
import org.infnet.nn.ReferenceNames;
import org.infnet.onnx.OnnxNetwork;

/**
 * A network with its descriptor, for either kind of network ({@link ModelKind}: an Inf-Net or a multi-class U-Net),
 * owning the DJL {@link Model} that holds the parameters (close it to free the native memory), its parameters under
 * the original PyTorch state-dict names ({@link ReferenceNames}), and the model folder format ({@code model.json}
 * + a safetensors file keyed by the original state-dict names, running statistics included). Made, loaded and
 * checked by its kind ({@link ModelKind#create}, {@link ModelKind#load}) or found by {@link ModelLocator#open}.
 *
 * @param <B> the network block
 */
public final class NetworkModel<B extends AbstractBlock> implements AutoCloseable {

    private final Model model;
    private final B net;
    private final ModelDescriptor descriptor;
    private final Map<String, Parameter> params;
    /** The inference-only weights of {@link #freeze}, or null. */
    private volatile FrozenWeights frozen;
    /** The model folder the weights were read from (unchanged since), or null. */
    private volatile Path folder;
    /** The ONNX key of the weights read from {@link #folder}. */
    private volatile String onnxKey;
    /** The network on ONNX Runtime ({@link #onnx}), or null. */
    private OnnxNetwork onnx;

    /**
     * Builds {@code net} in a new DJL model on {@code device}: Kaiming-normal (fan-in, gain 2) weights for
     * training from scratch, parameters initialised for input {@code initShape}.
     */
    NetworkModel(ModelDescriptor descriptor, Device device, B net, Shape initShape) {
        this.descriptor = descriptor;
        this.net = net;
        EngineSetup.ensure();
        this.model = Model.newInstance(descriptor.name(), device, "PyTorch");
        try {
            net.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                    XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, initShape);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        this.params = ReferenceNames.of(net);
    }

    /** Reads and checks the descriptor of a model folder. */
    static ModelDescriptor readDescriptor(Path folder) throws IOException {
        Path desc = folder.resolve(ModelDescriptor.FILE);
        if (!Files.isRegularFile(desc)) {
            throw new IOException(folder + ": not a model folder (no " + ModelDescriptor.FILE + ")");
        }
        return ModelDescriptor.parse(Files.readString(desc, StandardCharsets.UTF_8), desc.toString());
    }

    /** Reads the descriptor and the weights of a model packaged as class-path resources under {@code base}. */
    static Map.Entry<ModelDescriptor, Map<String, SafeTensors.Tensor>> readResource(String base) throws IOException {
        String descName = base + "/" + ModelDescriptor.FILE;
        ModelDescriptor d;
        try (InputStream in = NetworkModel.class.getResourceAsStream(descName)) {
            if (in == null) {
                throw new IOException(descName + ": no such bundled model");
            }
            d = ModelDescriptor.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), descName);
        }
        String wName = base + "/" + d.weights();
        try (InputStream in = NetworkModel.class.getResourceAsStream(wName)) {
            if (in == null) {
                throw new IOException(wName + ": bundled weights missing");
            }
            return Map.entry(d, SafeTensors.read(in, wName));
        }
    }

    /** Fills a freshly built model with {@code weights}, closing it if they do not fit. */
    static <M extends NetworkModel<?>> M filled(M m, Map<String, SafeTensors.Tensor> weights, String source)
            throws IOException {
        try {
            m.setWeights(weights, source);
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Copies weights into the network. Every parameter must be present with its exact shape and finite values,
     * and no entry may be left over; otherwise nothing is guaranteed about the network and an IOException
     * lists the missing, unexpected and mis-shaped names, or the tensors holding NaN or infinite values.
     */
    public synchronized void setWeights(Map<String, SafeTensors.Tensor> weights, String source) throws IOException {
        if (frozen != null) {
            frozen.close();
            frozen = null;
        }
        dropOnnx();
        folder = null;
        List<String> problems = new ArrayList<>();
        List<String> nonFinite = new ArrayList<>();
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
            } else if (firstNonFinite(t.data()) >= 0) {
                int i = firstNonFinite(t.data());
                nonFinite.add(e.getKey() + "[" + i + "] = " + t.data()[i]);
            } else {
                Engines.copyInto(a, t.data());
            }
        }
        extra.forEach(k -> problems.add("unexpected " + k));
        if (!problems.isEmpty()) {
            int n = problems.size();
            String head = String.join("; ", problems.subList(0, Math.min(8, n)));
            throw new IOException(source + ": weights do not fit network " + descriptor.architecture()
                    + " (" + n + " problem" + (n == 1 ? "" : "s") + ": " + head + (n > 8 ? "; ..." : "") + ")");
        }
        if (!nonFinite.isEmpty()) {
            throw new IOException(source + ": " + nonFinite.size() + " weight tensor(s) hold NaN or infinite values"
                    + " (first: " + nonFinite.get(0) + "); the model is broken (did its training diverge?):"
                    + " use another model or retrain");
        }
    }

    /** The index of the first NaN or infinite value, or -1. */
    private static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
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
        if (descriptor.isUNet() != this.descriptor.isUNet()) {
            throw new IllegalArgumentException("descriptor '" + descriptor.name() + "' describes "
                    + descriptor.architecture() + ", not this model's " + this.descriptor.architecture());
        }
        Files.createDirectories(folder);
        SafeTensors.write(folder.resolve(descriptor.weights()), weights(),
                Map.of("format", ModelDescriptor.FORMAT, "architecture", descriptor.architecture()));
        AtomicFiles.writeString(folder.resolve(ModelDescriptor.FILE), descriptor.toJson());
    }

    /**
     * Readies the model for inference only: stops gradient recording on every parameter and prepares
     * {@link FrozenWeights} (batch norms folded into the convolutions, weights channels-last), which
     * {@link #parameterStore} then serves; they take the convolution weights' memory a second time.
     * {@link #setWeights} drops them (freeze again afterwards).
     */
    public synchronized void freeze() {
        params.values().forEach(p -> p.getArray().setRequiresGradient(false));
        if (frozen == null) {
            frozen = FrozenWeights.of(net, model.getNDManager());
        }
    }

    /**
     * The parameter store of one forward pass whose arrays live in {@code m}: the {@link FrozenWeights} of
     * {@link #freeze}, or before it channels-last copies of the weights made in {@code m} (differentiable: the
     * training step uses it too).
     */
    public ParameterStore parameterStore(NDManager m) {
        FrozenWeights f = frozen;
        return f != null ? f.store(m) : FrozenWeights.passStore(m);
    }

    /**
     * Records that the weights are those of model folder {@code f}, whose {@code model.onnx} may then be reused while
     * its key matches the weights file as it is now.
     */
    void fromFolder(Path f) throws IOException {
        onnxKey = OnnxNetwork.key(f.resolve(descriptor.weights()), descriptor.inputSize());
        folder = f;
    }

    /**
     * The network on ONNX Runtime, made on first use and closed with the model. For a model read from a folder the
     * ONNX model is {@code model.onnx} in that folder, exported and written there when missing or stale (its metadata
     * key holds the SHA-256 of the weights file, the input side and the exporter version; a folder that cannot be
     * written to only costs an export per load); otherwise the network is exported in memory. Weights set later
     * ({@link #setWeights}) drop the session, and the next call exports them.
     *
     * @throws IOException when the weights file cannot be read or ONNX Runtime rejects the model
     */
    public synchronized OnnxNetwork onnx() throws IOException {
        if (onnx == null) {
            int side = descriptor.inputSize();
            Path f = folder;
            ModelDescriptor.Normalisation n = descriptor.normalisation();
            if (n == null) {
                n = ModelDescriptor.Normalisation.IMAGENET;
            }
            onnx = OnnxNetwork.open(net, side, f == null ? null : f.resolve(ONNX_FILE), f == null ? "in-memory" : onnxKey,
                    n.mean(), n.std());
        }
        return onnx;
    }

    /** File name of the exported ONNX model inside a model folder. */
    public static final String ONNX_FILE = "model.onnx";

    /** Writes this network's ONNX model (input side of the descriptor, dynamic batch) to {@code file}, atomically. */
    public void exportOnnx(Path file) throws IOException {
        byte[] bytes = OnnxNetwork.export(net, descriptor.inputSize(), Map.of(
                "infnet.model", descriptor.name(), "infnet.architecture", descriptor.architecture()));
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    private synchronized void dropOnnx() {
        if (onnx != null) {
            onnx.close();
            onnx = null;
        }
    }

    /** The network. */
    public B net() {
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
        dropOnnx();
        model.close();
    }
}
