package org.infnet.command;

import ij.measure.ResultsTable;
import java.util.Locale;
import org.infnet.analysis.SliceBurden;
import org.infnet.analysis.VolumeBurden;

/**
 * Writes infection measurements into an ImageJ 1.x results table: one row per slice with infection or lung
 * ({@code image:slice-NNNN}: infected pixels, mm^2, mean probability; with lungs also lung mm^2 and burden %),
 * then, for stacks, one {@code image:volume} row (infected mL; with lungs lung mL and burden %). Rows are
 * appended, as ImageJ's Measure does; areas and volumes are NaN for uncalibrated images.
 */
public final class InfectionTable {

    private InfectionTable() {}

    /** Appends the rows of {@code b} for the image titled {@code title}. */
    public static void append(ResultsTable rt, String title, VolumeBurden b, boolean withLungs) {
        for (SliceBurden s : b.slices()) {
            rt.incrementCounter();
            rt.addLabel(String.format(Locale.ROOT, "%s:slice-%04d", title, s.z() + 1));
            rt.addValue("Slice", s.z() + 1);
            rt.addValue("Infected (px)", s.infectedPixels());
            rt.addValue("Infected (mm^2)", s.infectedAreaMm2());
            rt.addValue("Mean probability", s.meanProbability());
            if (withLungs) {
                rt.addValue("Lung (mm^2)", s.lungAreaMm2());
                rt.addValue("Burden (%)", s.burdenPercent());
            }
        }
        if (b.slices().size() > 1) {
            rt.incrementCounter();
            rt.addLabel(title + ":volume");
            rt.addValue("Infected (px)", b.slices().stream().mapToLong(SliceBurden::infectedPixels).sum());
            rt.addValue("Infected (mL)", b.infectedVolumeMl());
            rt.addValue("Mean probability", b.meanProbability());
            if (withLungs) {
                rt.addValue("Lung (mL)", b.lungVolumeMl());
                rt.addValue("Burden (%)", b.burdenPercent());
            }
        }
    }
}
