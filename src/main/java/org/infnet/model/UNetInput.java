package org.infnet.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.infnet.nn.EngineArrays;
import org.infnet.nn.MultiClassUNet;

/**
 * The input of a multi-class U-Net ({@link ModelKind#UNET}): a slice and its infection prior, encoded as the original
 * encodes them; the U-Net counterpart of {@link InputEncoder}.
 */
public final class UNetInput {

    private UNetInput() {}

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
    public static NDArray encode(ModelDescriptor d, NDManager m, List<float[]> slices, List<float[]> priors, int side) {
        return EngineArrays.floats(m, values(d, slices, priors, side), new Shape(slices.size(), 6, side, side));
    }

    /** The values of {@link #encode} ((B, 6, side, side), row-major) in a Java array. */
    public static float[] values(ModelDescriptor d, List<float[]> slices, List<float[]> priors, int side) {
        if (slices.size() != priors.size()) {
            throw new IllegalArgumentException(slices.size() + " slices but " + priors.size() + " priors");
        }
        if (d.unet().inChannels() != 6) {
            throw new IllegalStateException("encode builds 6-channel inputs; this U-Net takes "
                    + d.unet().inChannels());
        }
        int plane = side * side;
        float[] mean = d.normalisation().mean();
        float[] std = d.normalisation().std();
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
    public static NDArray logits(NetworkModel<MultiClassUNet> model, NDManager m, NDArray input) {
        return model.net().forward(model.parameterStore(m), new NDList(input), false).head();
    }
}
