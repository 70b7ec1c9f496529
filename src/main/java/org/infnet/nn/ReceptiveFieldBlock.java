package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Inf-Net's modified receptive-field block ({@code RFB_modified}): four BasicConv2d branches (1x1;
 * 1x1, 1xk, kx1 and a 3x3 conv of dilation k for k = 3, 5, 7), concatenated and fused by a 3x3
 * BasicConv2d, plus a 1x1 BasicConv2d shortcut; ReLU of the sum. Input channels are inferred.
 *
 * <p>In inference on {@link FrozenWeights} the five 1x1 convolutions that read the block's input (the first of
 * each branch and the shortcut) run as one convolution with five times the output channels ({@link #fuse}),
 * whose channel groups the rest of the block reads.
 */
public final class ReceptiveFieldBlock extends CompositeBlock implements FrozenWeights.Fusable {

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
        FrozenWeights.Fold first = fused(ps, training);
        // the outputs of the five 1x1 convolutions on x (branch heads, then the shortcut), from one call when fused
        NDList heads = first == null ? null : Conv2d.conv2d(x, first.weight(), first.bias(), new Shape(1, 1),
                new Shape(0, 0), new Shape(1, 1), 1).head().split(branches.length + 1, 1);
        NDList cat = new NDList(4);
        for (int i = 0; i < branches.length; i++) {
            NDArray y = heads == null ? call(branches[i][0], ps, x, training) : heads.get(i);
            for (int j = 1; j < branches[i].length; j++) {
                y = call(branches[i][j], ps, y, training);
            }
            cat.add(y);
        }
        NDArray fused = call(convCat, ps, NDArrays.concat(cat, 1), training);
        NDArray res = heads == null ? call(convRes, ps, x, training) : heads.get(branches.length);
        return new NDList(Activation.relu(training ? fused.add(res) : fused.addi(res))); // fused: a fresh output
    }

    /** The folded 1x1 convolutions of the branch heads and the shortcut, stacked along the output channels. */
    @Override
    public FrozenWeights.Fold fuse(Function<Block, FrozenWeights.Fold> folds, NDManager manager) {
        List<FrozenWeights.Fold> parts = new ArrayList<>(branches.length + 1);
        for (int i = 0; i <= branches.length; i++) {
            FrozenWeights.Fold f = folds.apply(((BasicConv2d) (i < branches.length ? branches[i][0] : convRes)).bn());
            if (f == null) {
                return null;
            }
            parts.add(f);
        }
        return FrozenWeights.stack(parts, manager);
    }
}
