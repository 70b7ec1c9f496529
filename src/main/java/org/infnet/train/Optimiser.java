package org.infnet.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A first-order optimiser over named parameters whose state can be exported to a checkpoint and restored,
 * so a resumed run continues exactly ({@link Adam}, {@link Sgd}).
 */
public interface Optimiser extends AutoCloseable {

    /** Sets the learning rate used by the next steps. */
    void setLearningRate(float lr);

    /** Number of steps taken. */
    long steps();

    /** Applies one update from the accumulated gradients, then zeroes the gradients. */
    void step();

    /** Whether every accumulated gradient is finite (no NaN or infinity). */
    boolean gradientsFinite();

    /** Discards the accumulated gradients without updating. */
    void zeroGradients();

    /** The state arrays by name (moments, momentum buffers), live: write them out, do not keep them. */
    Map<String, NDArray> moments();

    /** Restores a state exported by {@link #moments()} and {@link #steps()}. */
    void restore(long steps, Map<String, float[]> moments);

    /** The optimisers the trainers offer. */
    enum Kind {
        /** {@link Adam}. */
        ADAM,
        /** {@link Sgd} with momentum. */
        SGD;

        /** Parses "adam" / "sgd" (any case). */
        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown optimiser '" + s + "' (adam or sgd)");
            }
        }
    }

    /** Frees the optimiser's state arrays (the parameters and their gradients are left alone). */
    @Override
    void close();
}
