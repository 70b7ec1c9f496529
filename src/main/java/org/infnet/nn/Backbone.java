package org.infnet.nn;

import ai.djl.nn.Block;

/**
 * A feature extractor for Inf-Net. Its forward pass takes one (N, 3, H, W) tensor, H and W multiples
 * of 32, and returns the four stage outputs {@code x1..x4} in that order, at the strides reported by
 * {@link #stageStrides()} and with the channel counts reported by {@link #stageChannels()}. Inf-Net's
 * heads use x1 (edge branch), x2, x3 and x4 (receptive-field blocks and reverse attention).
 */
public interface Backbone extends Block {

    /** Channel counts of x1..x4. */
    int[] stageChannels();

    /** Strides of x1..x4 relative to the input (4, 8, 16, 32 for Inf-Net's heads). */
    int[] stageStrides();
}
