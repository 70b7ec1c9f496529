package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Inf-Net's edge branch on the low-level feature x1 (1/4 resolution): 1x1, 3x3, 3x3 BasicConv2d give
 * the edge-guidance feature; a last 3x3 BasicConv2d gives the edge logits (still at 1/4). Child names
 * {@code conv1..conv4} map to the original {@code edge_conv1..edge_conv4}.
 *
 * <p>Output: (edge guidance feature, edge logits).
 */
public final class EdgeBranch extends CompositeBlock {

    private final Block conv1;
    private final Block conv2;
    private final Block conv3;
    private final Block conv4;

    /** @param width channels of the edge-guidance feature (64 in the paper) */
    public EdgeBranch(int width) {
        conv1 = addChildBlock("conv1", BasicConv2d.builder(width).build());
        conv2 = addChildBlock("conv2", BasicConv2d.same(width, 3));
        conv3 = addChildBlock("conv3", BasicConv2d.same(width, 3));
        conv4 = addChildBlock("conv4", BasicConv2d.same(1, 3));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray g = call(conv3, ps, call(conv2, ps, call(conv1, ps, in.head(), training), training), training);
        return new NDList(g, call(conv4, ps, g, training));
    }
}
