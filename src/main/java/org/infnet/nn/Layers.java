package org.infnet.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/** Factories for the leaf layers, configured as PyTorch's defaults so that weights carry over. */
public final class Layers {

    /** The batch norms' epsilon (PyTorch's default). */
    public static final float BN_EPSILON = 1e-5f;

    private Layers() {}

    /** 2D convolution, square kernel, padding keeping size at stride 1 when {@code pad = k/2}. */
    public static Block conv(int out, int k, int stride, int pad, boolean bias) {
        return conv(out, k, k, stride, pad, pad, 1, bias);
    }

    /** 2D convolution with a rectangular kernel, padding and dilation (as {@code nn.Conv2d}). */
    public static Block conv(int out, int kh, int kw, int stride, int padH, int padW, int dilation, boolean bias) {
        return Conv2d.builder()
                .setFilters(out)
                .setKernelShape(new Shape(kh, kw))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padH, padW))
                .optDilation(new Shape(dilation, dilation))
                .optBias(bias)
                .build();
    }

    /** Batch norm with PyTorch's defaults: eps 1e-5, running-average momentum 0.1. */
    public static Block batchNorm() {
        return BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(0.9f).build();
    }
}
