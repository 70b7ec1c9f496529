package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Res2Net's {@code Bottle2neck} (v1b): 1x1 conv to {@code scale} groups of {@code width} channels,
 * hierarchical 3x3 convolutions over the groups, 1x1 conv to {@code planes * 4}, residual add, ReLU.
 * The first block of a layer ("stage" block) does not chain the groups, carries the stride in its 3x3
 * convolutions, average-pools its last group (3x3, padding 1, padded zeros counted) and has a
 * downsampling shortcut (average pool kernel = stride, ceil mode, padding not counted; 1x1 conv; BN).
 */
public final class Bottle2neck extends CompositeBlock {

    private final int width;
    private final int scale;
    private final int stride;
    private final boolean stage;
    private final Block conv1;
    private final Block bn1;
    private final Block[] convs;
    private final Block[] bns;
    private final Block conv3;
    private final Block bn3;
    private final Block downConv;
    private final Block downBn;

    /**
     * @param planes bottleneck planes; the block outputs {@code 4 * planes} channels
     * @param baseWidth Res2Net base width (26 for the 26w4s variant)
     * @param scale number of groups (4)
     * @param stride stride of the block (1 or 2)
     * @param stage whether this is the first block of its layer
     * @param downsample whether the shortcut needs a projection
     */
    public Bottle2neck(int planes, int baseWidth, int scale, int stride, boolean stage, boolean downsample) {
        this.width = (int) Math.floor(planes * (baseWidth / 64.0));
        this.scale = scale;
        this.stride = stride;
        this.stage = stage;
        conv1 = addChildBlock("conv1", Layers.conv(width * scale, 1, 1, 0, false));
        bn1 = addChildBlock("bn1", Layers.batchNorm());
        int nums = scale - 1;
        convs = new Block[nums];
        bns = new Block[nums];
        for (int i = 0; i < nums; i++) {
            convs[i] = addChildBlock("convs." + i, Layers.conv(width, 3, stride, 1, false));
        }
        for (int i = 0; i < nums; i++) {
            bns[i] = addChildBlock("bns." + i, Layers.batchNorm());
        }
        conv3 = addChildBlock("conv3", Layers.conv(planes * 4, 1, 1, 0, false));
        bn3 = addChildBlock("bn3", Layers.batchNorm());
        if (downsample) {
            downConv = addChildBlock("downsample.1", Layers.conv(planes * 4, 1, 1, 0, false));
            downBn = addChildBlock("downsample.2", Layers.batchNorm());
        } else {
            downConv = null;
            downBn = null;
        }
        pairConvBn(conv1, bn1);
        for (int i = 0; i < nums; i++) {
            pairConvBn(convs[i], bns[i]);
        }
        pairConvBn(conv3, bn3);
        if (downsample) {
            pairConvBn(downConv, downBn);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.head();
        NDArray out = Activation.relu(convBn(conv1, bn1, ps, x, training));
        long[] cuts = new long[scale - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (long) width * (i + 1);
        }
        NDList spx = out.split(cuts, 1);
        NDList parts = new NDList(scale);
        NDArray sp = null;
        for (int i = 0; i < scale - 1; i++) {
            sp = (i == 0 || stage) ? spx.get(i) : sp.add(spx.get(i));
            sp = Activation.relu(convBn(convs[i], bns[i], ps, sp, training));
            parts.add(sp);
        }
        NDArray last = spx.get(scale - 1);
        if (stage) {
            last = Pool.avgPool2d(last, new Shape(3, 3), new Shape(stride, stride), new Shape(1, 1), false, true);
        }
        parts.add(last);
        NDArray y = convBn(conv3, bn3, ps, NDArrays.concat(parts, 1), training);
        NDArray residual = x;
        if (downConv != null) {
            NDArray r = x;
            if (stride > 1) {
                r = Pool.avgPool2d(
                        r, new Shape(stride, stride), new Shape(stride, stride), new Shape(0, 0), true, false);
            }
            residual = convBn(downConv, downBn, ps, r, training);
        }
        return new NDList(Activation.relu(y.add(residual)));
    }
}
