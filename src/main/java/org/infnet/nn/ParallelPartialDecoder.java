package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Inf-Net's parallel partial decoder ({@code aggregation}, child {@code ParDec}): fuses the three
 * high-level RFB features (1/32, 1/16, 1/8) into the global map S_g at 1/8 resolution. The x2
 * upsamplings use {@code align_corners=True}, as in the original.
 *
 * <p>Inputs: {@code (a, b, d)} = (rfb4, rfb3, rfb2). Output: one (N, 1, H/8, W/8) logit map.
 */
public final class ParallelPartialDecoder extends CompositeBlock {

    private final Block up1;
    private final Block up2;
    private final Block up3;
    private final Block up4;
    private final Block up5;
    private final Block concat2;
    private final Block concat3;
    private final Block conv4;
    private final Block conv5;

    /** @param c channels of the RFB features */
    public ParallelPartialDecoder(int c) {
        up1 = addChildBlock("conv_upsample1", BasicConv2d.same(c, 3));
        up2 = addChildBlock("conv_upsample2", BasicConv2d.same(c, 3));
        up3 = addChildBlock("conv_upsample3", BasicConv2d.same(c, 3));
        up4 = addChildBlock("conv_upsample4", BasicConv2d.same(c, 3));
        up5 = addChildBlock("conv_upsample5", BasicConv2d.same(2 * c, 3));
        concat2 = addChildBlock("conv_concat2", BasicConv2d.same(2 * c, 3));
        concat3 = addChildBlock("conv_concat3", BasicConv2d.same(3 * c, 3));
        conv4 = addChildBlock("conv4", BasicConv2d.same(3 * c, 3));
        conv5 = addChildBlock("conv5", Layers.conv(1, 1, 1, 0, true));
    }

    private static NDArray up(NDArray x) {
        return Resize.scale(x, 2, true);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray a = in.get(0);
        NDArray b = in.get(1);
        NDArray d = in.get(2);
        NDArray upA = up(a);
        NDArray b2 = call(up1, ps, upA, training).mul(b);
        NDArray d2 = call(up2, ps, up(upA), training).mul(call(up3, ps, up(b), training)).mul(d);
        NDArray e = call(concat2, ps, NDArrays.concat(new NDList(b2, call(up4, ps, upA, training)), 1), training);
        NDArray f = call(concat3, ps, NDArrays.concat(new NDList(d2, call(up5, ps, up(e), training)), 1), training);
        return new NDList(call(conv5, ps, call(conv4, ps, f, training), training));
    }
}
