package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Inf-Net (Fan et al., IEEE TMI 2020): backbone, three receptive-field blocks, parallel partial
 * decoder, edge branch and three reverse-attention branches with explicit edge guidance.
 *
 * <p>Input: (N, 3, H, W) normalised slices, H and W multiples of 32 (352 in the paper). Output, in the
 * original order, five (N, 1, H, W) logit maps: lateral map 5 (global map S_g), lateral maps 4, 3, 2
 * (after reverse-attention branches 4, 3, 2) and the edge map. The segmentation is {@code
 * sigmoid(map2)}. All resizes are PyTorch's bilinear with {@code align_corners=False}, except the
 * decoder's (see {@link ParallelPartialDecoder}).
 */
public final class InfNet extends CompositeBlock {

    /** Index of lateral map 2 (the segmentation) in the output list. */
    public static final int MAP2 = 3;
    /** Index of the edge map in the output list. */
    public static final int EDGE = 4;

    private final InfNetConfig config;
    private final Backbone backbone;
    private final ReceptiveFieldBlock rfb2;
    private final ReceptiveFieldBlock rfb3;
    private final ReceptiveFieldBlock rfb4;
    private final ParallelPartialDecoder decoder;
    private final ReverseAttentionBranch ra4;
    private final ReverseAttentionBranch ra3;
    private final ReverseAttentionBranch ra2;
    private final EdgeBranch edge;

    /** Builds the network described by {@code config}. */
    public InfNet(InfNetConfig config) {
        this.config = config;
        backbone = addChildBlock("resnet", new Res2NetBackbone(config.backbone()));
        rfb2 = addChildBlock("rfb2_1", new ReceptiveFieldBlock(config.rfbChannels()));
        rfb3 = addChildBlock("rfb3_1", new ReceptiveFieldBlock(config.rfbChannels()));
        rfb4 = addChildBlock("rfb4_1", new ReceptiveFieldBlock(config.rfbChannels()));
        decoder = addChildBlock("ParDec", new ParallelPartialDecoder(config.rfbChannels()));
        ra4 = addChildBlock("ra4", ReverseAttentionBranch.deep(config.ra4Width()));
        ra3 = addChildBlock("ra3", ReverseAttentionBranch.shallow(config.raWidth()));
        ra2 = addChildBlock("ra2", ReverseAttentionBranch.shallow(config.raWidth()));
        edge = addChildBlock("edge", new EdgeBranch(config.edgeWidth()));
    }

    /** The architecture of this network. */
    public InfNetConfig config() {
        return config;
    }

    /** The backbone, which reports its stage channels and strides. */
    public Backbone backbone() {
        return backbone;
    }

    /** The input shape used to initialise the network for a given batch size and side length. */
    public static Shape inputShape(int batch, int side) {
        return new Shape(batch, 3, side, side);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return maps(ps, in, training, true, true);
    }

    /**
     * An inference pass that returns only what a segmentation needs, at the input's size: lateral map 2 (logits)
     * and, when {@code edges}, the edge map. The deep-supervision maps 5, 4 and 3, which only the training loss
     * reads, are not resized up to the input. The values equal those of {@link #forward} at {@link #MAP2} and
     * {@link #EDGE}.
     *
     * @return {@code [map2]}, or {@code [map2, edge]}
     */
    public NDList segment(ParameterStore ps, NDArray input, boolean edges) {
        return maps(ps, new NDList(input), false, false, edges);
    }

    private NDList maps(ParameterStore ps, NDList in, boolean training, boolean all, boolean edges) {
        NDArray input = in.head();
        long h = input.getShape().get(2);
        long w = input.getShape().get(3);
        if (h % 32 != 0 || w % 32 != 0) {
            throw new IllegalArgumentException("Inf-Net input sides must be multiples of 32, got " + h + "x" + w);
        }
        NDList f = call(backbone, ps, in, training);
        NDArray x1 = f.get(0);
        NDArray x2 = f.get(1);
        NDArray x3 = f.get(2);
        NDArray x4 = f.get(3);
        NDArray x2r = call(rfb2, ps, x2, training);
        NDArray x3r = call(rfb3, ps, x3, training);
        NDArray x4r = call(rfb4, ps, x4, training);

        NDList e = call(edge, ps, new NDList(x1), training);
        NDArray guidance = e.get(0);
        NDArray lateralEdge = edges ? Resize.scale(e.get(1), 4, false) : null;

        NDArray sg = call(decoder, ps, new NDList(x4r, x3r, x2r), training).head();

        NDArray crop4 = Resize.scale(sg, 0.25, false);
        NDArray s4 = call(ra4, ps, new NDList(x4, crop4, Resize.scale(guidance, 1.0 / 8, false)), training).head();

        NDArray crop3 = Resize.scale(s4, 2, false);
        NDArray s3 = call(ra3, ps, new NDList(x3, crop3, Resize.scale(guidance, 1.0 / 4, false)), training).head();

        NDArray crop2 = Resize.scale(s3, 2, false);
        NDArray s2 = call(ra2, ps, new NDList(x2, crop2, Resize.scale(guidance, 1.0 / 2, false)), training).head();
        NDArray map2 = Resize.scale(s2, 8, false);
        if (!all) {
            return edges ? new NDList(map2, lateralEdge) : new NDList(map2);
        }
        NDArray map5 = Resize.scale(sg, 8, false);
        NDArray map4 = Resize.scale(s4, 32, false);
        NDArray map3 = Resize.scale(s3, 16, false);
        return new NDList(map5, map4, map3, map2, lateralEdge);
    }
}
