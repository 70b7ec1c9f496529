package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One reverse-attention branch of Inf-Net with explicit edge guidance. Given a backbone feature
 * {@code x}, the coarser prediction {@code g} (already at x's resolution) and the edge-guidance
 * feature {@code e} (also at x's resolution): {@code w = 1 - sigmoid(g)}; {@code f = cat(conv1(w *
 * x), e)}; then {@code depth} BasicConv2d each followed by ReLU, and a last BasicConv2d to one channel
 * without ReLU; the output is that plus {@code g} (a refined logit map).
 *
 * <p>Child names are {@code conv1 .. conv(depth+2)}; {@link ReferenceNames} maps branch {@code raK}'s
 * {@code convJ} to the original {@code raK_convJ}.
 */
public final class ReverseAttentionBranch extends CompositeBlock {

    private final Block reduce;
    private final Block[] body;
    private final Block last;

    /**
     * @param width channels of the reduced feature and of the body convolutions
     * @param kernel kernel size of the body convolutions (5 in branch 4, 3 in branches 3 and 2)
     * @param depth number of body convolutions followed by ReLU (3 in branch 4, 2 in branches 3, 2)
     * @param lastKernel kernel size of the final one-channel convolution (1 in branch 4, else 3)
     */
    public ReverseAttentionBranch(int width, int kernel, int depth, int lastKernel) {
        reduce = addChildBlock("conv1", BasicConv2d.builder(width).build());
        body = new Block[depth];
        for (int i = 0; i < depth; i++) {
            body[i] = addChildBlock("conv" + (i + 2), BasicConv2d.same(width, kernel));
        }
        last = addChildBlock("conv" + (depth + 2), BasicConv2d.same(1, lastKernel));
    }

    /** Branch 4 of the paper (1/32 resolution). */
    public static ReverseAttentionBranch deep(int width) {
        return new ReverseAttentionBranch(width, 5, 3, 1);
    }

    /** Branches 3 and 2 of the paper (1/16 and 1/8 resolution). */
    public static ReverseAttentionBranch shallow(int width) {
        return new ReverseAttentionBranch(width, 3, 2, 3);
    }

    /** Inputs: (x, g, e); output: the refined logit map {@code S = branch(x, g, e) + g}. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.get(0);
        NDArray g = in.get(1);
        NDArray e = in.get(2);
        // -sigmoid(g) + 1 as the original writes it, but with neg(): DJL's mul(Number) multiplies by a
        // scalar tensor in Java-owned memory that autograd saves for the backward pass and that the
        // garbage collector may free before it runs (see StructureLoss#bceWithLogits)
        NDArray w = Activation.sigmoid(g).neg().add(1);
        NDArray f = NDArrays.concat(new NDList(call(reduce, ps, x.mul(w), training), e), 1);
        for (Block b : body) {
            f = Activation.relu(call(b, ps, f, training));
        }
        return new NDList(call(last, ps, f, training).add(g));
    }
}
