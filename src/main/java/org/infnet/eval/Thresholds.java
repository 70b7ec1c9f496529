package org.infnet.eval;

/**
 * The 256 thresholds of the Inf-Net evaluation toolbox ({@code Thresholds = 1:-1/255:0}).
 *
 * <p>Index {@code j} (0..255) holds {@code t_j = (255 - j) / 255}, so index 0 is 1.0 and index 255 is
 * 0.0; a pixel is foreground at threshold {@code t} when {@code pred >= t}. Per-threshold curves in
 * this package are always stored in this order (decreasing threshold).
 */
public final class Thresholds {

    /** Number of thresholds (256). */
    public static final int COUNT = 256;

    private static final double[] VALUES = new double[COUNT];

    static {
        for (int j = 0; j < COUNT; j++) {
            VALUES[j] = (255 - j) / 255.0;
        }
    }

    private Thresholds() {
    }

    /** Threshold at index {@code j}: {@code (255 - j) / 255}. */
    public static double value(int j) {
        return VALUES[j];
    }

    /** A fresh copy of all 256 threshold values, index 0 = 1.0 ... index 255 = 0.0. */
    public static double[] values() {
        return VALUES.clone();
    }

    /**
     * Number of thresholds a normalised value passes minus one, expressed as a "level" m in 0..255:
     * the largest m with {@code p >= m/255} (i.e. {@code p >= value(255 - m)}); values below 0
     * (impossible after normalisation) map to 0. A pixel with level m is foreground exactly for
     * threshold indices {@code j >= 255 - m}.
     */
    static int level(double p) {
        int m;
        if (!(p > 0)) {
            m = 0;
        } else if (p >= 1.0) {
            return 255;
        } else {
            m = (int) (p * 255.0);
            if (m > 255) {
                m = 255;
            }
        }
        // exact correction against the very threshold values used for comparison
        while (m < 255 && p >= VALUES[255 - (m + 1)]) {
            m++;
        }
        while (m > 0 && p < VALUES[255 - m]) {
            m--;
        }
        return m;
    }
}
