package org.infnet.nn;

/**
 * Shape of a Res2Net v1b backbone.
 *
 * @param stemWidth channels of the first two stem convolutions (the third doubles them)
 * @param blocks Bottle2neck blocks in each of the four layers
 * @param planes bottleneck planes of each layer (stage outputs have {@code 4 * planes} channels)
 * @param baseWidth Res2Net base width (group width = {@code floor(planes * baseWidth / 64)})
 * @param scale number of hierarchical groups per block
 */
public record Res2NetConfig(int stemWidth, int[] blocks, int[] planes, int baseWidth, int scale) {

    /** The paper's backbone: Res2Net-50 v1b 26w x 4s. */
    public static final Res2NetConfig RES2NET50_26W4S =
            new Res2NetConfig(32, new int[] {3, 4, 6, 3}, new int[] {64, 128, 256, 512}, 26, 4);

    /** Validates the configuration. */
    public Res2NetConfig {
        if (blocks.length != 4 || planes.length != 4) {
            throw new IllegalArgumentException("Res2Net needs exactly 4 layers");
        }
        if (scale < 2) {
            throw new IllegalArgumentException("scale must be at least 2");
        }
    }
}
