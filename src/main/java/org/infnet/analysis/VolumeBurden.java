package org.infnet.analysis;

import java.util.List;

/**
 * Infection burden of a volume (or of a single slice, depth 1).
 *
 * @param slices                 per-slice results, in slice order (immutable copy)
 * @param infectedVolumeMl       all infected voxels x voxel volume, mL (NaN when uncalibrated)
 * @param infectedInLungVolumeMl infected voxels inside the lung mask, mL (NaN when uncalibrated)
 * @param lungVolumeMl           lung voxels x voxel volume, mL (NaN when uncalibrated)
 * @param burdenPercent          {@code 100 * infected / (lung ∪ infected)} voxels ({@link SliceBurden#burdenPercent()});
 *                               never NaN
 * @param meanProbability        mean probability over all infected voxels (NaN as in {@link SliceBurden})
 */
public record VolumeBurden(List<SliceBurden> slices, double infectedVolumeMl, double infectedInLungVolumeMl,
        double lungVolumeMl, double burdenPercent, double meanProbability) {

    /** Copies the slice list. */
    public VolumeBurden {
        slices = List.copyOf(slices);
    }
}
