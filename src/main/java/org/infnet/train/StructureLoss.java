package org.infnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;

/**
 * Inf-Net's training loss. For each of lateral maps 5, 4, 3, 2: weighted binary cross-entropy plus
 * weighted IoU, with pixel weights {@code 1 + 5 |avgpool31(mask) - mask|} (31x31 box, stride 1,
 * padding 15, padded zeros counted) that emphasise pixels near the lesion boundary, both normalised
 * per image and averaged over the batch; plus plain binary cross-entropy of the edge map against the
 * edge label. Soft (non-binary) masks are accepted, as the published pseudo labels are soft.
 */
public final class StructureLoss {

    private StructureLoss() {}

    /** The five terms of the loss, each a scalar NDArray, and their sum. */
    public record Terms(NDArray map5, NDArray map4, NDArray map3, NDArray map2, NDArray edge, NDArray total) {}

    /**
     * Element-wise {@code BCEWithLogits(x, z) = max(x, 0) - x z + log(1 + exp(-|x|))}, the numerically
     * stable form PyTorch uses.
     *
     * <p>Graph code must not use DJL's {@code Number} overloads of operations whose backward pass reads the
     * scalar operand ({@code mul}, {@code div}, {@code maximum}, {@code minimum}, {@code pow}): the PyTorch
     * engine wraps the number in a tensor over Java-owned memory, closes it after the operation, and autograd
     * then reads memory the garbage collector may already have freed (wrong, GC-timing-dependent gradients).
     * {@code add}/{@code sub} of a number are safe (their backward saves no operand); {@code max(x, 0)} is
     * therefore {@code relu(x)} here.
     */
    public static NDArray bceWithLogits(NDArray x, NDArray z) {
        return Activation.relu(x).sub(x.mul(z)).add(x.abs().neg().exp().add(1).log());
    }

    /**
     * The boundary-emphasis weights {@code 1 + 5 |avgpool31(mask) - mask|} of a (N, 1, H, W) mask. The
     * 31x31 box filter (zero padding counted) is applied as two separable 31-tap passes, which gives
     * the same values as the original 2D pooling at a 15th of the cost.
     */
    public static NDArray boundaryWeights(NDArray mask) {
        NDArray rows = Pool.avgPool2d(mask, new Shape(31, 1), new Shape(1, 1), new Shape(15, 0), false, true);
        NDArray pooled = Pool.avgPool2d(rows, new Shape(1, 31), new Shape(1, 1), new Shape(0, 15), false, true);
        return pooled.sub(mask).abs().mul(5).add(1);
    }

    /** Weighted BCE + weighted IoU of one logit map against a (soft) mask, both (N, 1, H, W). */
    public static NDArray structure(NDArray logits, NDArray mask) {
        return structure(logits, mask, boundaryWeights(mask));
    }

    /** As {@link #structure(NDArray, NDArray)} with precomputed {@link #boundaryWeights}. */
    public static NDArray structure(NDArray logits, NDArray mask, NDArray weit) {
        int[] hw = {2, 3};
        NDArray wbce = bceWithLogits(logits, mask).mul(weit).sum(hw).div(weit.sum(hw));
        NDArray p = Activation.sigmoid(logits);
        NDArray inter = p.mul(mask).mul(weit).sum(hw);
        NDArray union = p.add(mask).mul(weit).sum(hw);
        NDArray wiou = inter.add(1).div(union.sub(inter).add(1)).neg().add(1);
        return wbce.add(wiou).mean();
    }

    /** Mean binary cross-entropy of the edge logits against the edge label. */
    public static NDArray edge(NDArray logits, NDArray edge) {
        return bceWithLogits(logits, edge).mean();
    }

    /**
     * The full loss of one Inf-Net forward pass.
     *
     * @param outputs the network's five outputs (map5, map4, map3, map2, edge)
     * @param mask the infection label, (N, 1, H, W) in [0, 1]
     * @param edge the edge label, (N, 1, H, W) in [0, 1]
     */
    public static Terms of(NDList outputs, NDArray mask, NDArray edge) {
        NDArray weit = boundaryWeights(mask);
        NDArray l5 = structure(outputs.get(0), mask, weit);
        NDArray l4 = structure(outputs.get(1), mask, weit);
        NDArray l3 = structure(outputs.get(2), mask, weit);
        NDArray l2 = structure(outputs.get(3), mask, weit);
        NDArray le = edge(outputs.get(4), edge);
        return new Terms(l5, l4, l3, l2, le, l5.add(l4).add(l3).add(l2).add(le));
    }
}
