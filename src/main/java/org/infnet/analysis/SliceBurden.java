package org.infnet.analysis;

/**
 * Infection burden of one axial slice.
 *
 * @param z                    slice index (0-based)
 * @param infectedPixels       pixels of the infection mask
 * @param infectedAreaMm2      {@code infectedPixels} x pixel area (NaN when uncalibrated)
 * @param infectedInLungPixels infected pixels that are also in the lung mask
 * @param lungPixels           pixels of the lung mask
 * @param lungAreaMm2          {@code lungPixels} x pixel area (NaN when uncalibrated)
 * @param burdenPercent        infected % of the lung: {@code 100 * infectedPixels / (lungPixels +}
 *                             {@link #infectedOutsideLungPixels()}{@code )} (infection is lung tissue: infected
 *                             pixels the lung mask missed count as lung); 0 without lung and infection, never NaN
 * @param meanProbability      mean probability over the infected pixels; NaN without probability
 *                             map or without infected pixels
 */
public record SliceBurden(int z, long infectedPixels, double infectedAreaMm2, long infectedInLungPixels,
        long lungPixels, double lungAreaMm2, double burdenPercent, double meanProbability) {

    /** Share of the infection outside the lung mask above which the mask is {@linkplain #lungMaskReliable unreliable}. */
    public static final double MAX_OUTSIDE_FRACTION = 0.2;

    /** Infected pixels outside the lung mask (counted as lung in {@link #burdenPercent}). */
    public long infectedOutsideLungPixels() {
        return infectedPixels - infectedInLungPixels;
    }

    /**
     * False when the lung mask misses much of the infection: more than {@link #MAX_OUTSIDE_FRACTION} of the infected
     * pixels lie outside it (a missed lung, a dense consolidation taken for chest wall, or infection found outside
     * the lungs). The burden is then mostly "infection over infection" and should not be trusted.
     */
    public boolean lungMaskReliable() {
        return infectedOutsideLungPixels() <= MAX_OUTSIDE_FRACTION * infectedPixels;
    }
}
