package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Inf-Net's modified receptive-field block ({@code RFB_modified}): four BasicConv2d branches (1x1;
 * 1x1, 1xk, kx1 and a 3x3 conv of dilation k for k = 3, 5, 7), concatenated and fused by a 3x3
 * BasicConv2d, plus a 1x1 BasicConv2d shortcut; ReLU of the sum. Input channels are inferred.
 */
public final class ReceptiveFieldBlock extends CompositeBlock {

    private final Block[][] branches = new Block[4][];
    private final Block convCat;
    private final Block convRes;

    /** @param out output channels of every branch and of the block */
    public ReceptiveFieldBlock(int out) {
        branches[0] = new Block[] {addChildBlock("branch0.0", BasicConv2d.builder(out).build())};
        for (int b = 1; b <= 3; b++) {
            int k = 2 * b + 1;
            branches[b] = new Block[] {
                addChildBlock("branch" + b + ".0", BasicConv2d.builder(out).build()),
                addChildBlock("branch" + b + ".1", BasicConv2d.builder(out).kernel(1, k).padding(0, k / 2).build()),
                addChildBlock("branch" + b + ".2", BasicConv2d.builder(out).kernel(k, 1).padding(k / 2, 0).build()),
                addChildBlock("branch" + b + ".3",
                        BasicConv2d.builder(out).kernel(3, 3).padding(k, k).dilation(k).build()),
            };
        }
        convCat = addChildBlock("conv_cat", BasicConv2d.same(out, 3));
        convRes = addChildBlock("conv_res", BasicConv2d.builder(out).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.head();
        NDList cat = new NDList(4);
        for (Block[] branch : branches) {
            NDArray y = x;
            for (Block b : branch) {
                y = call(b, ps, y, training);
            }
            cat.add(y);
        }
        NDArray fused = call(convCat, ps, NDArrays.concat(cat, 1), training);
        return new NDList(Activation.relu(fused.add(call(convRes, ps, x, training))));
    }
}
