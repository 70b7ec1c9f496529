package org.infnet.nn;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Inf-Net's {@code BasicConv2d}: convolution without bias followed by batch norm, and deliberately
 * NO ReLU — the original defines one but never applies it, and its weights depend on that.
 */
public final class BasicConv2d extends CompositeBlock {

    private final Block conv;
    private final Block bn;

    private BasicConv2d(Builder b) {
        conv = addChildBlock("conv", Layers.conv(b.out, b.kh, b.kw, b.stride, b.padH, b.padW, b.dilation, false));
        bn = addChildBlock("bn", Layers.batchNorm());
        pairConvBn(conv, bn);
    }

    /** A square {@code k x k} BasicConv2d whose padding keeps the spatial size. */
    public static BasicConv2d same(int out, int k) {
        return builder(out).kernel(k, k).padding(k / 2, k / 2).build();
    }

    /** Starts a builder for a BasicConv2d with {@code out} output channels (1x1 kernel by default). */
    public static Builder builder(int out) {
        return new Builder(out);
    }

    /** The batch norm, by which {@link FrozenWeights} finds this block's folded convolution. */
    Block bn() {
        return bn;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return new NDList(convBn(conv, bn, ps, in.head(), training));
    }

    /** Builder of {@link BasicConv2d}. */
    public static final class Builder {
        private final int out;
        private int kh = 1;
        private int kw = 1;
        private int padH;
        private int padW;
        private int dilation = 1;
        private int stride = 1;

        private Builder(int out) {
            this.out = out;
        }

        /** Kernel height and width. */
        public Builder kernel(int h, int w) {
            kh = h;
            kw = w;
            return this;
        }

        /** Zero padding (height, width). */
        public Builder padding(int h, int w) {
            padH = h;
            padW = w;
            return this;
        }

        /** Dilation of the kernel. */
        public Builder dilation(int d) {
            dilation = d;
            return this;
        }

        /** Stride of the convolution. */
        public Builder stride(int s) {
            stride = s;
            return this;
        }

        /** Builds the block. */
        public BasicConv2d build() {
            return new BasicConv2d(this);
        }
    }
}
