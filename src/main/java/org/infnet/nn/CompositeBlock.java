package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Base class for blocks whose forward pass is a graph of child blocks written as plain Java code.
 *
 * <p>Children are initialised lazily: {@link #initialize} runs one dry forward pass on zero inputs of
 * the given shapes, and every child met through {@link #call} is initialised with the shape of the
 * input it actually receives. Heads therefore size themselves from whatever feature maps the backbone
 * produces; no block needs to be told its input channels.
 *
 * <p>Subclasses add their children with {@link #addChildBlock(String, Block)} under names that
 * reproduce the original PyTorch module path (see {@link ReferenceNames}), implement {@link
 * #forwardInternal}, and call children only through {@link #call}.
 */
public abstract class CompositeBlock extends AbstractBlock {

    private static final ThreadLocal<InitContext> LAZY = new ThreadLocal<>();

    private record InitContext(NDManager manager, DataType dataType) {}

    private final List<Block[]> convBnPairs = new ArrayList<>();

    /** Creates the block with version 1 of the parameter layout. */
    protected CompositeBlock() {
        super((byte) 1);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (LAZY.get() != null) {
            return; // an enclosing dry run initialises the children as it reaches them
        }
        LAZY.set(new InitContext(manager, dataType));
        try (NDManager tmp = manager.newSubManager()) {
            NDList in = new NDList();
            for (Shape s : inputShapes) {
                in.add(tmp.zeros(s, dataType));
            }
            forwardInternal(new ParameterStore(tmp, false), in, false, null);
        } finally {
            LAZY.remove();
        }
    }

    /**
     * Runs a child block, initialising it first (with the shape of the input it receives) when called during the dry
     * run of {@link #initialize}.
     */
    protected final NDList call(Block child, ParameterStore ps, NDList in, boolean training) {
        InitContext ctx = LAZY.get();
        if (ctx != null && !child.isInitialized()) {
            child.initialize(ctx.manager(), ctx.dataType(), in.getShapes());
        }
        NDList out = child.forward(ps, in, training);
        return out;
    }

    /**
     * Declares that child {@code bn} (a batch norm) is only ever applied to the output of child {@code conv} (a
     * convolution), through {@link #convBn}, so that {@link FrozenWeights} may fold the pair into one convolution.
     */
    protected final void pairConvBn(Block conv, Block bn) {
        convBnPairs.add(new Block[] {conv, bn});
    }

    /** The (convolution, batch norm) pairs declared with {@link #pairConvBn}. */
    public final List<Block[]> convBnPairs() {
        return Collections.unmodifiableList(convBnPairs);
    }

    /**
     * {@code bn(conv(x))} for a pair declared with {@link #pairConvBn}: one convolution with the folded weight
     * and bias when {@code ps} serves {@link FrozenWeights} in inference, else the two children in turn.
     */
    protected final NDArray convBn(Block conv, Block bn, ParameterStore ps, NDArray x, boolean training) {
        FrozenWeights.Fold f = !training && ps instanceof FrozenWeights.Store s ? s.fold(bn) : null;
        if (f == null) {
            return call(bn, ps, call(conv, ps, x, training), training);
        }
        Convolution c = (Convolution) conv;
        return Conv2d.conv2d(x, f.weight(), f.bias(), c.getStride(), c.getPadding(), c.getDilation(), c.getGroups())
                .head();
    }

    /**
     * The combined convolution that {@link FrozenWeights} prepared for this block (a {@link FrozenWeights.Fusable}),
     * when {@code ps} serves frozen weights in inference; else null, and the block runs its own graph.
     */
    protected final FrozenWeights.Fold fused(ParameterStore ps, boolean training) {
        return !training && ps instanceof FrozenWeights.Store s ? s.fused(this) : null;
    }

    /** Single-input, single-output convenience form of {@link #call(Block, ParameterStore, NDList, boolean)}. */
    protected final NDArray call(Block child, ParameterStore ps, NDArray in, boolean training) {
        return call(child, ps, new NDList(in), training).head();
    }

    /** Output shapes, found by one forward pass on zeros (the block must be initialised). */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (!isInitialized()) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not initialised");
        }
        NDManager base = getParameters().valueAt(0).getArray().getManager();
        try (NDManager tmp = base.newSubManager()) {
            NDList in = new NDList();
            for (Shape s : inputShapes) {
                in.add(tmp.zeros(s));
            }
            return forwardInternal(new ParameterStore(tmp, false), in, false, null).getShapes();
        }
    }

    @Override
    protected abstract NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params);
}
