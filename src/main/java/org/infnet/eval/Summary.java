package org.infnet.eval;

import java.util.Locale;

/**
 * Dataset-level scores in the paper's protocol: each per-threshold curve is averaged over images,
 * then summarised by its mean over the 256 thresholds ({@code mean*}) and its maximum
 * ({@code max*}); adaptive-threshold scores, S-measure and MAE are plain means over images. With
 * zero images every score is NaN.
 */
public record Summary(
        int images,
        double meanDic, double meanSen, double meanSpe, double sm, double meanEm, double mae,
        double maxDic, double maxSen, double maxSpe, double maxEm,
        double adpDic, double adpSen, double adpSpe, double adpEm) {

    /** The paper's line: {@code meanDic:0.xxx;meanSen:0.xxx;meanSpe:0.xxx;Sm:0.xxx;meanEm:0.xxx;MAE:0.xxx}. */
    public String formatLine() {
        return String.format(Locale.ROOT, "meanDic:%.3f;meanSen:%.3f;meanSpe:%.3f;Sm:%.3f;meanEm:%.3f;MAE:%.3f",
                meanDic, meanSen, meanSpe, sm, meanEm, mae);
    }

    /** Second line: {@code maxDic:..;maxSen:..;maxSpe:..;maxEm:..;adpDic:..;adpSen:..;adpSpe:..;adpEm:..}. */
    public String formatMaxAdaptiveLine() {
        return String.format(Locale.ROOT,
                "maxDic:%.3f;maxSen:%.3f;maxSpe:%.3f;maxEm:%.3f;adpDic:%.3f;adpSen:%.3f;adpSpe:%.3f;adpEm:%.3f",
                maxDic, maxSen, maxSpe, maxEm, adpDic, adpSen, adpSpe, adpEm);
    }

    /** Both lines, separated by {@code \n} (no trailing newline). */
    public String format() {
        return formatLine() + "\n" + formatMaxAdaptiveLine();
    }

    @Override
    public String toString() {
        return "Summary[images=" + images + "] " + formatLine() + " " + formatMaxAdaptiveLine();
    }
}
