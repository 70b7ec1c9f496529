package org.infnet.nn;

/**
 * Architecture of a {@link MultiClassUNet}: the U-Net of the multi-class Inf-Net pipeline (the
 * bilinear-upsampling U-Net of the original implementation), at some channel width.
 *
 * <p>With base width {@code b} the encoder produces {@code b, 2b, 4b, 8b} channels at full, 1/2, 1/4
 * and 1/8 resolution and {@code 8b} at the 1/16 bottleneck (the original halves the last encoder
 * width because its decoder upsamples bilinearly); the decoder produces {@code 4b, 2b, b, b}
 * channels back at 1/8 ... full resolution, and a 1x1 convolution gives the class logits.
 *
 * @param architecture short identifier written to model descriptors
 * @param inChannels input channels (6: normalised slice replicated to 3 channels + infection prior
 *     replicated to 3 channels)
 * @param classes output classes (3: background, ground-glass opacity, consolidation)
 * @param base channels of the first double convolution (64 in the original)
 * @param priorSkip whether the network's outputs are corrections to the infection prior: class {@code c}'s
 *     logit is the network's output plus {@code logit(prior)} for every lesion class and minus it for the
 *     background (class 0), with the prior clamped to [{@link #PRIOR_CLAMP}, 1 - {@link #PRIOR_CLAMP}] (not in
 *     the original, which adds nothing: {@code false}); a zero network then reproduces the prior as every lesion
 *     class, so the 50 training slices teach which class a lesion is rather than where lesions are
 */
public record UNetConfig(String architecture, int inChannels, int classes, int base, boolean priorSkip) {

    /** The prior's clamp before its logit in a {@link #priorSkip} network (as {@code train_gpu.py}). */
    public static final float PRIOR_CLAMP = 1e-4f;

    /** The original multi-class U-Net: base width 64 (17,269,251 trainable values). */
    public static final UNetConfig PAPER = new UNetConfig("multiclass-unet", 6, 3, 64);

    /** A CPU-sized variant with a quarter of the channels (base 16, about 1/16 of the values). */
    public static final UNetConfig COMPACT = new UNetConfig("multiclass-unet-compact", 6, 3, 16);

    /** A U-Net without the prior skip (the original's outputs). */
    public UNetConfig(String architecture, int inChannels, int classes, int base) {
        this(architecture, inChannels, classes, base, false);
    }

    /** Checks the values. */
    public UNetConfig {
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("U-Net architecture identifier missing");
        }
        if (inChannels <= 0 || classes <= 0 || base <= 0) {
            throw new IllegalArgumentException(
                    "U-Net channels must be positive (in " + inChannels + ", classes " + classes + ", base " + base + ")");
        }
    }

    /** This architecture with the prior skip on or off ({@link #priorSkip}). */
    public UNetConfig withPriorSkip(boolean on) {
        return new UNetConfig(architecture, inChannels, classes, base, on);
    }

    /** Output channels of encoder stage {@code i} = 0 (inc) .. 4 (down4). */
    public int encoderWidth(int i) {
        return base * (1 << Math.min(i, 3));
    }

    /** Output channels of decoder stage {@code k} = 1 (up1, deepest) .. 4 (up4, full resolution). */
    public int decoderWidth(int k) {
        return k == 4 ? base : base * (1 << (3 - k));
    }

    /** The preset with this architecture identifier. */
    public static UNetConfig preset(String architecture) {
        for (UNetConfig c : new UNetConfig[] {PAPER, COMPACT}) {
            if (c.architecture().equals(architecture)) {
                return c;
            }
        }
        throw new IllegalArgumentException("Unknown U-Net architecture '" + architecture + "' (known: "
                + PAPER.architecture() + ", " + COMPACT.architecture() + ")");
    }

    /** Whether {@code architecture} names a U-Net preset. */
    public static boolean isPreset(String architecture) {
        return PAPER.architecture().equals(architecture) || COMPACT.architecture().equals(architecture);
    }
}
