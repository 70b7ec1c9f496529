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
 * @param burdenPercent        {@code 100 * infectedInLungPixels / lungPixels}; NaN without lung
 * @param meanProbability      mean probability over the infected pixels; NaN without probability
 *                             map or without infected pixels
 */
public record SliceBurden(int z, long infectedPixels, double infectedAreaMm2, long infectedInLungPixels,
        long lungPixels, double lungAreaMm2, double burdenPercent, double meanProbability) {
}
