package org.infnet.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.infnet.nn.EngineArrays;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.UNetConfig;

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

    /**
     * Evaluation-mode logits (B, classes, H, W) of an encoded input, the {@link UNetConfig#priorSkip} term
     * included; the result lives in {@code m}.
     */
    public static NDArray logits(NetworkModel<MultiClassUNet> model, NDManager m, NDArray input) {
        NDArray out = model.net().forward(model.parameterStore(m), new NDList(input), false).head();
        return withPriorSkip(model.descriptor(), m, out, input);
    }

    /**
     * {@code logits} plus the {@link UNetConfig#priorSkip} term made from the prior inside {@code input} (the
     * encoded input those logits came from, at their size), or {@code logits} itself when the U-Net has no skip.
     * The term is a constant made in Java memory and copied into {@code m}, so autograd through the sum reads
     * only the network's output.
     */
    public static NDArray withPriorSkip(ModelDescriptor d, NDManager m, NDArray logits, NDArray input) {
        if (!d.unet().priorSkip()) {
            return logits;
        }
        Shape s = input.getShape();
        int plane = Math.toIntExact(s.get(2) * s.get(3));
        float[] term = priorSkip(d, input.toFloatArray(), Math.toIntExact(s.get(0)), plane);
        return logits.add(EngineArrays.floats(m, term, logits.getShape()));
    }

    /**
     * The {@link UNetConfig#priorSkip} term, (B, classes, plane) row-major, of an encoded input ({@link #values}
     * layout, (B, 6, plane)): with p the prior (channel 3, de-normalised) clamped to [{@link
     * UNetConfig#PRIOR_CLAMP}, 1 - PRIOR_CLAMP], {@code -logit(p)} for class 0 (background) and {@code +logit(p)}
     * for every lesion class.
     */
    public static float[] priorSkip(ModelDescriptor d, float[] encoded, int batch, int plane) {
        int in = d.unet().inChannels();
        int classes = d.unet().classes();
        if (encoded.length != batch * in * plane) {
            throw new IllegalArgumentException(encoded.length + " input values, expected " + batch * in * plane);
        }
        float mean = d.normalisation().mean()[0];
        float std = d.normalisation().std()[0];
        float lo = UNetConfig.PRIOR_CLAMP;
        float[] term = new float[batch * classes * plane];
        for (int b = 0; b < batch; b++) {
            int src = (b * in + 3) * plane;
            for (int i = 0; i < plane; i++) {
                float p = Math.min(1 - lo, Math.max(lo, encoded[src + i] * std + mean));
                float lp = (float) Math.log(p / (1 - p));
                for (int c = 0; c < classes; c++) {
                    term[(b * classes + c) * plane + i] = c == 0 ? -lp : lp;
                }
            }
        }
        return term;
    }
}
