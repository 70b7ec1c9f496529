package org.infnet.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.infnet.io.AtomicFiles;

/**
 * Writes infection burden tables as CSV (comma-separated, header row, {@code Locale.ROOT} numbers,
 * NaN written as an empty field), atomically via {@link AtomicFiles}.
 *
 * <p>Per-slice table columns: {@code slice, infected_px, infected_mm2, infected_in_lung_px,
 * lung_px, lung_mm2, burden_percent, mean_probability}. Summary table columns: {@code name,
 * slices, infected_ml, infected_in_lung_ml, lung_ml, burden_percent, mean_probability}, one row
 * per volume.
 */
public final class BurdenCsv {

    /** Header of the per-slice table. */
    public static final String SLICE_HEADER =
            "slice,infected_px,infected_mm2,infected_in_lung_px,lung_px,lung_mm2,burden_percent,mean_probability";
    /** Header of the summary table. */
    public static final String SUMMARY_HEADER =
            "name,slices,infected_ml,infected_in_lung_ml,lung_ml,burden_percent,mean_probability";

    private BurdenCsv() {
    }

    /** The per-slice table as text. */
    public static String slices(VolumeBurden b) {
        StringBuilder sb = new StringBuilder(SLICE_HEADER).append('\n');
        for (SliceBurden s : b.slices()) {
            sb.append(s.z()).append(',').append(s.infectedPixels()).append(',').append(num(s.infectedAreaMm2()))
                    .append(',').append(s.infectedInLungPixels()).append(',').append(s.lungPixels()).append(',')
                    .append(num(s.lungAreaMm2())).append(',').append(num(s.burdenPercent())).append(',')
                    .append(num(s.meanProbability())).append('\n');
        }
        return sb.toString();
    }

    /** The summary table as text (rows in map iteration order; names are quoted when needed). */
    public static String summary(Map<String, VolumeBurden> volumes) {
        StringBuilder sb = new StringBuilder(SUMMARY_HEADER).append('\n');
        for (Map.Entry<String, VolumeBurden> e : volumes.entrySet()) {
            VolumeBurden b = e.getValue();
            sb.append(quote(e.getKey())).append(',').append(b.slices().size()).append(',')
                    .append(num(b.infectedVolumeMl())).append(',').append(num(b.infectedInLungVolumeMl())).append(',')
                    .append(num(b.lungVolumeMl())).append(',').append(num(b.burdenPercent())).append(',')
                    .append(num(b.meanProbability())).append('\n');
        }
        return sb.toString();
    }

    /** Writes the per-slice table to {@code file} atomically. */
    public static void writeSlices(Path file, VolumeBurden b) throws IOException {
        AtomicFiles.writeString(file, slices(b));
    }

    /** Writes the summary table to {@code file} atomically. */
    public static void writeSummary(Path file, Map<String, VolumeBurden> volumes) throws IOException {
        AtomicFiles.writeString(file, summary(volumes));
    }

    static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
