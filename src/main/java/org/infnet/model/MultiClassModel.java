package org.infnet.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.infnet.io.SafeTensors;
import org.infnet.nn.EngineArrays;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.ReferenceNames;
import org.infnet.nn.UNetConfig;

/**
 * A multi-class U-Net with its weights and descriptor, owning the DJL model that holds the
 * parameters; the U-Net counterpart of {@link InfNetModel}. Close it to free the native memory.
 *
 * <p>The model folder has the same layout as an Inf-Net's: {@code model.json} ({@link ModelDescriptor}
 * with its {@code unet} entry set) and a safetensors file keyed by the original PyTorch state-dict
 * names ({@link ReferenceNames}), running statistics included.
 */
public final class MultiClassModel extends NetworkModel<MultiClassUNet> {

    private MultiClassModel(ModelDescriptor descriptor, Device device) {
        super(descriptor, device, new MultiClassUNet(unetConfig(descriptor)),
                MultiClassUNet.inputShape(unetConfig(descriptor), 1, 32));
    }

    private static UNetConfig unetConfig(ModelDescriptor d) {
        if (!d.isUNet()) {
            throw new IllegalArgumentException("descriptor '" + d.name() + "' describes "
                    + d.architecture() + ", not a multi-class U-Net (use InfNetModel)");
        }
        return d.unet();
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
        MultiClassModel m = filled(new MultiClassModel(d, device), weights, folder.toString());
        try {
            m.fromFolder(folder);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** Loads a model folder packaged as class-path resources under {@code base} (e.g. {@code /models/x}). */
    public static MultiClassModel loadResource(String base, Device device) throws IOException {
        Map.Entry<ModelDescriptor, Map<String, SafeTensors.Tensor>> r = readResource(base);
        if (!r.getKey().isUNet()) {
            throw new IOException(base + ": holds an Inf-Net (" + r.getKey().architecture() + "), not a multi-class U-Net");
        }
        return filled(new MultiClassModel(r.getKey(), device), r.getValue(), base);
    }

    /**
     * Encodes slices and infection priors (each {@code side * side} values in [0,1], side = {@link
     * ModelDescriptor#inputSize()} usually) into the (B, 6, side, side) input: the slice replicated to
     * channels 0-2 and the prior to channels 3-5, both normalised with the descriptor's per-channel
     * mean and std, as the original applies one transform to both images.
     *
     * <p>The prior is ImageNet-normalised like the slice on purpose: the original's data loader reads the
     * prior PNG with OpenCV as a 3-channel image and puts it through the same {@code ToTensor} + {@code
     * Normalize(mean, std)} transform as the slice before concatenating the two, so a network trained there
     * (and any imported original weights) expects exactly this encoding of the prior.
     */
    public NDArray encode(NDManager m, List<float[]> slices, List<float[]> priors, int side) {
        return EngineArrays.floats(m, encodeValues(slices, priors, side), new Shape(slices.size(), 6, side, side));
    }

    /** The values of {@link #encode} ((B, 6, side, side), row-major) in a Java array. */
    public float[] encodeValues(List<float[]> slices, List<float[]> priors, int side) {
        if (slices.size() != priors.size()) {
            throw new IllegalArgumentException(slices.size() + " slices but " + priors.size() + " priors");
        }
        if (descriptor().unet().inChannels() != 6) {
            throw new IllegalStateException("encode builds 6-channel inputs; this U-Net takes "
                    + descriptor().unet().inChannels());
        }
        int plane = side * side;
        float[] mean = descriptor().normalisation().mean();
        float[] std = descriptor().normalisation().std();
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
        return data;
    }

    /** Evaluation-mode logits (B, classes, H, W) of an encoded input; the result lives in {@code m}. */
    public NDArray logits(NDManager m, NDArray input) {
        return net().forward(parameterStore(m), new NDList(input), false).head();
    }
}
