package org.infnet.model;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.infnet.io.SafeTensors;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;


/**
 * An Inf-Net with its weights and descriptor, owning the DJL model that holds the parameters (see
 * {@link NetworkModel}). Close it to free the native memory.
 *
 * <p>A model folder holds {@code model.json} ({@link ModelDescriptor}) and the weights named there, a
 * safetensors file keyed by the original PyTorch state-dict names ({@link ReferenceNames}).
 */
public final class InfNetModel extends NetworkModel<InfNet> {

    private InfNetModel(ModelDescriptor descriptor, Device device) {
        super(descriptor, device, new InfNet(infNetConfig(descriptor)), InfNet.inputShape(1, 64));
    }

    private static InfNetConfig infNetConfig(ModelDescriptor d) {
        if (d.network() == null) {
            throw new IllegalArgumentException("descriptor '" + d.name() + "' describes a "
                    + d.architecture() + ", not an Inf-Net (use MultiClassModel)");
        }
        return d.network();
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
        ModelDescriptor d = readDescriptor(folder);
        Map<String, SafeTensors.Tensor> weights = SafeTensors.read(folder.resolve(d.weights()));
        InfNetModel m = withWeights(d, weights, device, folder.toString());
        try {
            m.fromFolder(folder);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** Loads a model folder packaged as class-path resources under {@code base} (e.g. {@code /models/x}). */
    public static InfNetModel loadResource(String base, Device device) throws IOException {
        Map.Entry<ModelDescriptor, Map<String, SafeTensors.Tensor>> r = readResource(base);
        return withWeights(r.getKey(), r.getValue(), device, base);
    }

    private static InfNetModel withWeights(
            ModelDescriptor d, Map<String, SafeTensors.Tensor> weights, Device device, String source)
            throws IOException {
        if (d.isUNet()) {
            throw new IOException(source + ": holds a multi-class U-Net (" + d.architecture()
                    + "), not an Inf-Net");
        }
        return filled(new InfNetModel(d, device), weights, source);
    }
}
