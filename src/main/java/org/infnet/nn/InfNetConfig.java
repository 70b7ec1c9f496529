package org.infnet.nn;

/**
 * Architecture of an Inf-Net: its backbone and the widths of its heads. Recorded in every model
 * descriptor, so that a model folder rebuilds exactly the network its weights belong to.
 *
 * @param architecture short identifier written to model descriptors
 * @param backbone shape of the Res2Net v1b backbone
 * @param rfbChannels channels of the receptive-field blocks and the partial decoder (32 in the paper)
 * @param edgeWidth channels of the edge-guidance feature (64)
 * @param ra4Width channels of reverse-attention branch 4 (256)
 * @param raWidth channels of reverse-attention branches 3 and 2 (64)
 */
public record InfNetConfig(
        String architecture, Res2NetConfig backbone, int rfbChannels, int edgeWidth, int ra4Width, int raWidth) {

    /** The paper's network: Res2Net-50 v1b 26w4s and the original head widths (31,072,721 values). */
    public static final InfNetConfig PAPER =
            new InfNetConfig("infnet-res2net50", Res2NetConfig.RES2NET50_26W4S, 32, 64, 256, 64);

    /**
     * The compact CPU model: every Inf-Net head kept, on a narrow, shallow Res2Net v1b (stem 16, blocks
     * 1-1-2-1, planes 16-32-64-128: stage channels 64, 128, 256, 512) with head widths scaled to match.
     */
    public static final InfNetConfig COMPACT = new InfNetConfig(
            "infnet-compact",
            new Res2NetConfig(16, new int[] {1, 1, 2, 1}, new int[] {16, 32, 64, 128}, 26, 4),
            16, 32, 64, 32);

    /**
     * The accurate CPU model: the compact model's shape, 1.5x wider and deeper (stem 24, blocks 2-2-3-2,
     * planes 24-48-96-192: stage channels 96, 192, 384, 768; heads 24/48/96/48), 3,690,700 values.
     */
    public static final InfNetConfig MEDIUM = new InfNetConfig(
            "infnet-medium",
            new Res2NetConfig(24, new int[] {2, 2, 3, 2}, new int[] {24, 48, 96, 192}, 26, 4),
            24, 48, 96, 48);

    /** The preset with this architecture identifier. */
    public static InfNetConfig preset(String architecture) {
        for (InfNetConfig c : new InfNetConfig[] {PAPER, COMPACT, MEDIUM}) {
            if (c.architecture().equals(architecture)) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "Unknown architecture '" + architecture + "' (known: " + PAPER.architecture() + ", "
                        + COMPACT.architecture() + ", " + MEDIUM.architecture() + ")");
    }
}
