package org.infnet.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The weights of a network that from now on only runs inference, prepared once for speed:
 * <ul>
 *   <li>each batch norm that a block declares right after a convolution ({@link CompositeBlock#convBn}) is folded
 *       into that convolution: weight {@code w * s} and bias {@code beta - mean * s} (plus {@code b * s} for a
 *       convolution with bias {@code b}), {@code s = gamma / sqrt(var + eps)}, so the pair runs as one
 *       convolution;</li>
 *   <li>every convolution weight is laid out channels-last ({@link ChannelsLast});</li>
 *   <li>a block that implements {@link Fusable} may combine its folded convolutions into one (for instance
 *       several convolutions on disjoint channel groups into one grouped convolution), served by
 *       {@link CompositeBlock#fused}.</li>
 * </ul>
 * The results equal the plain network's up to float rounding. The copies are taken when {@link #of} runs: weights
 * changed afterwards are not seen, so make a new instance (and {@link #close} this one) after changing them.
 * After construction the instance is read-only and may serve several threads at once.
 *
 * <p>{@link #passStore} is the store for weights that still change (training, validation during training): it
 * serves channels-last copies made per forward pass, differentiably, and folds nothing.
 */
public final class FrozenWeights implements AutoCloseable {

    /** A convolution with its batch norm folded in: the weight (channels-last) and the bias. */
    public record Fold(NDArray weight, NDArray bias) {}

    /**
     * A block that runs faster in inference with some of its folded convolutions combined into one. Only for
     * combinations that give the same values as the block's own graph up to float rounding.
     */
    public interface Fusable {
        /**
         * The combined convolution, made from {@code folds} (the folded form of a convolution by the batch norm
         * that follows it) in {@code manager}, or null when this block has nothing to combine.
         */
        Fold fuse(Function<Block, Fold> folds, NDManager manager);
    }

    /**
     * Convolutions of the same input, kernel, stride and padding as one convolution whose output channels are theirs
     * in order: the weights (concatenated along the output channels, then laid out channels-last) and the biases, in
     * {@code manager}. The parts are not closed.
     */
    public static Fold stack(List<Fold> parts, NDManager manager) {
        NDList weights = new NDList(parts.size());
        NDList biases = new NDList(parts.size());
        for (Fold f : parts) {
            weights.add(f.weight());
            biases.add(f.bias());
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray w = NDArrays.concat(weights, 0);
            w.attach(tmp);
            NDArray b = NDArrays.concat(biases, 0);
            b.attach(manager);
            return new Fold(ChannelsLast.copyOf(w, manager), b);
        }
    }

    private final NDManager manager;
    private final Map<Parameter, NDArray> copies = new IdentityHashMap<>();
    private final Map<Block, Fold> folds = new IdentityHashMap<>();
    private final Map<Block, Fold> fused = new IdentityHashMap<>();

    private FrozenWeights(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Prepares the current weights of {@code net} (initialised); the copies live in a sub-manager of
     * {@code parent}, freed by {@link #close} or with {@code parent}.
     */
    public static FrozenWeights of(Block net, NDManager parent) {
        FrozenWeights f = new FrozenWeights(parent.newSubManager());
        Set<Parameter> folded = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Block> todo = new ArrayDeque<>();
        List<Fusable> fusable = new ArrayList<>();
        todo.add(net);
        while (!todo.isEmpty()) {
            Block b = todo.pop();
            b.getChildren().values().forEach(todo::add);
            if (b instanceof CompositeBlock c) {
                for (Block[] pair : c.convBnPairs()) {
                    f.folds.put(pair[1], fold(pair[0], pair[1], f.manager));
                    folded.add(pair[0].getParameters().get("weight"));
                }
            }
            if (b instanceof Fusable u) {
                fusable.add(u);
            }
        }
        for (Fusable u : fusable) {
            Fold g = u.fuse(f.folds::get, f.manager);
            if (g != null) {
                f.fused.put((Block) u, g);
            }
        }
        for (Parameter p : net.getParameters().values()) {
            NDArray a = p.getArray();
            if (a.getShape().dimension() == 4 && !folded.contains(p)) {
                f.copies.put(p, ChannelsLast.copyOf(a, f.manager));
            }
        }
        return f;
    }

    private static Fold fold(Block conv, Block bn, NDManager manager) {
        var bp = bn.getParameters();
        try (NDManager tmp = manager.newSubManager()) {
            NDArray gamma = bp.get("gamma").getArray();
            NDArray var = bp.get("runningVar").getArray().add(Layers.BN_EPSILON);
            var.attach(tmp); // every intermediate in tmp: results are made in their first operand's manager
            NDArray root = var.sqrt();
            root.attach(tmp);
            NDArray s = gamma.div(root);
            s.attach(tmp);
            NDArray w = conv.getParameters().get("weight").getArray();
            NDArray scaled = w.mul(s.reshape(-1, 1, 1, 1));
            scaled.attach(tmp);
            NDArray shift = bp.get("runningMean").getArray().mul(s);
            shift.attach(tmp);
            NDArray bias = bp.get("beta").getArray().sub(shift);
            Parameter cb = conv.getParameters().contains("bias") ? conv.getParameters().get("bias") : null;
            if (cb != null && cb.getArray() != null) {
                NDArray scaledBias = cb.getArray().mul(s);
                scaledBias.attach(tmp);
                NDArray withBias = bias.add(scaledBias);
                bias.close();
                bias = withBias;
            }
            bias.attach(manager);
            return new Fold(ChannelsLast.copyOf(scaled, manager), bias);
        }
    }

    /** How many convolution + batch norm pairs were folded. */
    public int folds() {
        return folds.size();
    }

    /** How many blocks run with combined convolutions ({@link Fusable}). */
    public int fusions() {
        return fused.size();
    }

    /** The store of one inference pass whose arrays live in {@code m}. */
    public ParameterStore store(NDManager m) {
        return new Store(m, this);
    }

    /** The store of one pass over weights that still change: channels-last copies in {@code m}, no folding. */
    public static ParameterStore passStore(NDManager m) {
        return new Store(m, null);
    }

    /** Frees the prepared copies. */
    @Override
    public void close() {
        manager.close();
    }

    /**
     * Serves 4-D parameters channels-last (prepared copies, or per-pass copies) and, to {@link CompositeBlock#convBn},
     * the folded convolutions. The weight of a folded convolution is served unchanged by {@link #getValue}.
     */
    static final class Store extends ParameterStore {

        private final NDManager manager;
        private final FrozenWeights frozen;

        Store(NDManager manager, FrozenWeights frozen) {
            super(manager, false);
            this.manager = manager;
            this.frozen = frozen;
        }

        /** The folded form of the convolution that batch norm {@code bn} follows, or null. */
        Fold fold(Block bn) {
            return frozen == null ? null : frozen.folds.get(bn);
        }

        /** The combined convolution of {@link Fusable} block {@code b}, or null. */
        Fold fused(Block b) {
            return frozen == null ? null : frozen.fused.get(b);
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            if (parameter == null) {
                return null;
            }
            NDArray a = parameter.getArray();
            if (a.getShape().dimension() != 4 || !a.getDevice().equals(device)) {
                return super.getValue(parameter, device, training);
            }
            if (frozen == null) {
                return ChannelsLast.copyOf(a, manager);
            }
            NDArray c = frozen.copies.get(parameter);
            return c != null ? c : super.getValue(parameter, device, training);
        }
    }
}
