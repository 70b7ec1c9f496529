package org.infnet.nn;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The U-Net's {@code DoubleConv}: (3x3 convolution with bias, batch norm, ReLU) twice, padding 1, so
 * the spatial size is kept. Children {@code conv1, bn1, conv2, bn2} are the original's
 * {@code double_conv.0, .1, .3, .4} (see {@link ReferenceNames}).
 */
public final class DoubleConv extends CompositeBlock {

    private final Block conv1;
    private final Block bn1;
    private final Block conv2;
    private final Block bn2;

    /**
     * @param mid channels after the first convolution
     * @param out channels after the second convolution
     */
    public DoubleConv(int mid, int out) {
        conv1 = addChildBlock("conv1", Layers.conv(mid, 3, 1, 1, true));
        bn1 = addChildBlock("bn1", Layers.batchNorm());
        conv2 = addChildBlock("conv2", Layers.conv(out, 3, 1, 1, true));
        bn2 = addChildBlock("bn2", Layers.batchNorm());
        pairConvBn(conv1, bn1);
        pairConvBn(conv2, bn2);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        var x = Activation.relu(convBn(conv1, bn1, ps, in.head(), training));
        return new NDList(Activation.relu(convBn(conv2, bn2, ps, x, training)));
    }
}
