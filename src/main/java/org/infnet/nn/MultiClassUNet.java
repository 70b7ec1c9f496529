package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The multi-class U-Net of the Inf-Net paper's multi-class pipeline (Semi-Inf-Net + multi-class
 * U-Net), a faithful port of the original's bilinear U-Net so that its PyTorch weights carry over.
 *
 * <p><b>Input:</b> (N, {@code inChannels}, H, W), in the original 6 channels: the normalised slice
 * replicated to 3 channels followed by the Semi-Inf-Net infection prior replicated to 3 channels.
 * H and W must be at least 16; multiples of 16 (352 in the paper) keep every stage aligned, other
 * sizes are handled as the original does (max-pooling floors, each upsampled map is zero-padded to
 * its skip connection's size, the extra row/column going to the bottom/right).
 *
 * <p><b>Output:</b> one (N, {@code classes}, H, W) map of logits, channels background, ground-glass
 * opacity, consolidation. The original trains them with a sigmoid and BCE per class.
 *
 * <p><b>Architecture</b> (children named as the original's modules, see {@link ReferenceNames}):
 * {@code inc} = {@link DoubleConv} to b; {@code down1..down4} = 2x2 max-pool + DoubleConv to 2b, 4b,
 * 8b, 8b; {@code up1..up4} = bilinear x2 upsampling with {@code align_corners=True} (exact, {@link
 * Resize}), pad to the skip's size, concatenate {@code [skip, upsampled]} and a DoubleConv whose middle
 * width is half its input, to 4b, 2b, b, b; {@code outc} = 1x1 convolution with bias to the classes.
 * With b = 64 ({@link UNetConfig#PAPER}) this is the original's 17,269,251 trainable values.
 */
public final class MultiClassUNet extends CompositeBlock {

    private static final int DEPTH = 4;

    private final UNetConfig config;
    private final Block inc;
    private final Block[] down = new Block[DEPTH];
    private final Block[] up = new Block[DEPTH];
    private final Block outc;

    /** Builds the network described by {@code config}. */
    public MultiClassUNet(UNetConfig config) {
        this.config = config;
        inc = addChildBlock("inc", new DoubleConv(config.encoderWidth(0), config.encoderWidth(0)));
        for (int i = 1; i <= DEPTH; i++) {
            int w = config.encoderWidth(i);
            down[i - 1] = addChildBlock("down" + i, new DoubleConv(w, w));
        }
        for (int k = 1; k <= DEPTH; k++) {
            // input = skip (encoder stage 4-k) + upsampled (same width): the middle width is half of it
            int mid = config.encoderWidth(DEPTH - k);
            up[k - 1] = addChildBlock("up" + k, new DoubleConv(mid, config.decoderWidth(k)));
        }
        outc = addChildBlock("outc", Layers.conv(config.classes(), 1, 1, 0, true));
    }

    /** Starts a builder (the original's architecture unless changed). */
    public static Builder builder() {
        return new Builder();
    }

    /** The architecture of this network. */
    public UNetConfig config() {
        return config;
    }

    /** The input shape for a batch of square inputs of the given side. */
    public Shape inputShape(int batch, int side) {
        return inputShape(config, batch, side);
    }

    /** The input shape of a network of {@code config} for a batch of square inputs of the given side. */
    public static Shape inputShape(UNetConfig config, int batch, int side) {
        return new Shape(batch, config.inChannels(), side, side);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.head();
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("U-Net input must be (N, " + config.inChannels() + ", H, W), got " + s);
        }
        if (s.get(2) < 16 || s.get(3) < 16) {
            throw new IllegalArgumentException("U-Net input sides must be at least 16, got " + s.get(2) + "x" + s.get(3));
        }
        NDArray[] skips = new NDArray[DEPTH + 1];
        skips[0] = call(inc, ps, x, training);
        for (int i = 1; i <= DEPTH; i++) {
            NDArray pooled = Pool.maxPool2d(skips[i - 1], new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            skips[i] = call(down[i - 1], ps, pooled, training);
        }
        NDArray y = skips[DEPTH];
        for (int k = 1; k <= DEPTH; k++) {
            NDArray skip = skips[DEPTH - k];
            NDArray u = padTo(Resize.scale(y, 2, true), skip.getShape().get(2), skip.getShape().get(3));
            y = call(up[k - 1], ps, NDArrays.concat(new NDList(skip, u), 1), training);
        }
        return new NDList(call(outc, ps, y, training));
    }

    /** Zero-pads (N, C, h, w) to (N, C, H, W) as the original's {@code F.pad(x, [dx/2, dx-dx/2, dy/2, dy-dy/2])}. */
    static NDArray padTo(NDArray x, long h, long w) {
        Shape s = x.getShape();
        long dy = h - s.get(2);
        long dx = w - s.get(3);
        if (dy == 0 && dx == 0) {
            return x;
        }
        if (dy < 0 || dx < 0) {
            throw new IllegalStateException("upsampled map " + s + " larger than its skip " + h + "x" + w);
        }
        NDArray y = x;
        if (dx > 0) {
            y = NDArrays.concat(new NDList(zeros(y, dx / 2, 3), y, zeros(y, dx - dx / 2, 3)), 3);
        }
        if (dy > 0) {
            y = NDArrays.concat(new NDList(zeros(y, dy / 2, 2), y, zeros(y, dy - dy / 2, 2)), 2);
        }
        return y;
    }

    private static NDArray zeros(NDArray like, long n, int axis) {
        long[] d = like.getShape().getShape().clone();
        d[axis] = n;
        return like.getManager().zeros(new Shape(d), like.getDataType(), like.getDevice());
    }

    /** Builder of {@link MultiClassUNet}. */
    public static final class Builder {
        private String architecture = UNetConfig.PAPER.architecture();
        private int inChannels = UNetConfig.PAPER.inChannels();
        private int classes = UNetConfig.PAPER.classes();
        private int base = UNetConfig.PAPER.base();
        private boolean priorSkip;

        private Builder() {}

        /** Starts from a preset. */
        public Builder config(UNetConfig c) {
            architecture = c.architecture();
            inChannels = c.inChannels();
            classes = c.classes();
            base = c.base();
            priorSkip = c.priorSkip();
            return this;
        }

        /** Whether the outputs are corrections to the infection prior's logit ({@link UNetConfig#priorSkip}). */
        public Builder priorSkip(boolean on) {
            priorSkip = on;
            return this;
        }

        /** Identifier written to model descriptors. */
        public Builder architecture(String a) {
            architecture = a;
            return this;
        }

        /** Input channels (6 in the original). */
        public Builder inChannels(int n) {
            inChannels = n;
            return this;
        }

        /** Output classes (3 in the original). */
        public Builder classes(int n) {
            classes = n;
            return this;
        }

        /** Width of the first stage (64 in the original). */
        public Builder base(int b) {
            base = b;
            return this;
        }

        /** The configuration built so far. */
        public UNetConfig toConfig() {
            return new UNetConfig(architecture, inChannels, classes, base, priorSkip);
        }

        /** Builds the network. */
        public MultiClassUNet build() {
            return new MultiClassUNet(toConfig());
        }
    }
}
