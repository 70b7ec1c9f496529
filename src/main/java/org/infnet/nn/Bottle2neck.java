package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Res2Net's {@code Bottle2neck} (v1b): 1x1 conv to {@code scale} groups of {@code width} channels,
 * hierarchical 3x3 convolutions over the groups, 1x1 conv to {@code planes * 4}, residual add, ReLU.
 * The first block of a layer ("stage" block) does not chain the groups, carries the stride in its 3x3
 * convolutions, average-pools its last group (3x3, padding 1, padded zeros counted) and has a
 * downsampling shortcut (average pool kernel = stride, ceil mode, padding not counted; 1x1 conv; BN).
 *
 * <p>In inference on {@link FrozenWeights} a stage block runs its groups as one grouped convolution ({@link
 * #fuse}): its three 3x3 convolutions read disjoint channel groups and the pooling of the last group is a 3x3
 * convolution too (weight 1/9 on the group's own channel, zero padding counted), so the split, the four
 * operations on non-contiguous channel slices and the concatenation become one call. The ReLU that then also
 * covers the pooled group changes nothing: it pools the output of a ReLU.
 */
public final class Bottle2neck extends CompositeBlock implements FrozenWeights.Fusable {

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
        FrozenWeights.Fold grouped = fused(ps, training);
        NDArray mid = grouped != null ? Activation.relu(Conv2d.conv2d(out, grouped.weight(), grouped.bias(),
                new Shape(stride, stride), new Shape(1, 1), new Shape(1, 1), scale).head()) : groups(out, ps, training);
        NDArray y = convBn(conv3, bn3, ps, mid, training);
        NDArray residual = x;
        if (downConv != null) {
            NDArray r = x;
            if (stride > 1) {
                r = Pool.avgPool2d(
                        r, new Shape(stride, stride), new Shape(stride, stride), new Shape(0, 0), true, false);
            }
            residual = convBn(downConv, downBn, ps, r, training);
        }
        // in inference the sum goes into y, the convolution's fresh output, instead of a new array
        return new NDList(Activation.relu(training ? y.add(residual) : y.addi(residual)));
    }

    /** The hierarchical 3x3 convolutions over the channel groups of {@code out}, concatenated. */
    private NDArray groups(NDArray out, ParameterStore ps, boolean training) {
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
        return NDArrays.concat(parts, 1);
    }

    /**
     * For a stage block, its group convolutions (folded) and the pooling of its last group as one grouped
     * convolution of {@code scale} groups; null for the other blocks, whose groups are chained.
     */
    @Override
    public FrozenWeights.Fold fuse(Function<Block, FrozenWeights.Fold> folds, NDManager manager) {
        if (!stage) {
            return null;
        }
        List<FrozenWeights.Fold> parts = new ArrayList<>(scale);
        for (Block bn : bns) {
            FrozenWeights.Fold f = folds.apply(bn);
            if (f == null) {
                return null;
            }
            parts.add(f);
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray like = parts.get(0).weight();
            NDArray eye = tmp.eye(width, width, 0, like.getDataType()).toDevice(like.getDevice(), false);
            NDArray pool = eye.reshape(width, width, 1, 1).broadcast(new Shape(width, width, 3, 3)).div(9f);
            parts.add(new FrozenWeights.Fold(pool, tmp.zeros(new Shape(width), pool.getDataType(), pool.getDevice())));
            return FrozenWeights.stack(parts, manager);
        }
    }
}
