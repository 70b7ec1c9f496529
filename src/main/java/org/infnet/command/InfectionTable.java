package org.infnet.command;

import ij.measure.ResultsTable;
import java.util.List;
import java.util.Locale;
import org.infnet.analysis.LungSegmentation;
import org.infnet.analysis.SliceBurden;
import org.infnet.analysis.VolumeBurden;

/**
 * Writes infection measurements into an ImageJ 1.x results table: one row per slice with infection or lung
 * ({@code image:slice-NNNN}: infected pixels, mm^2, mean probability; with lungs also lung mm^2, infected pixels
 * outside the lung mask, burden % and the lung mask's state), then, for stacks, one {@code image:volume} row
 * (infected mL; with lungs lung mL and burden %). Rows are appended, as ImageJ's Measure does; areas and volumes
 * are NaN for uncalibrated images.
 *
 * <p>"Lung mask" is {@code ok}, {@code cut by image border} (a cropped slice: the visible lung only),
 * {@code none found}, or {@code unreliable: N% of infection outside} ({@link SliceBurden#lungMaskReliable()}); the
 * volume row says {@code unreliable on K slice(s)} or {@code ok}.
 */
public final class InfectionTable {

    private InfectionTable() {}

    /** Appends the rows of {@code b} for the image titled {@code title}. */
    public static void append(ResultsTable rt, String title, VolumeBurden b, boolean withLungs) {
        append(rt, title, b, withLungs ? List.of() : null);
    }

    /**
     * Appends the rows of {@code b}; {@code lungs} holds each slice's lung mask state (may be empty when unknown),
     * or is null without lungs.
     */
    public static void append(ResultsTable rt, String title, VolumeBurden b, List<LungSegmentation.Status> lungs) {
        boolean withLungs = lungs != null;
        int unreliable = 0;
        for (SliceBurden s : b.slices()) {
            rt.incrementCounter();
            rt.addLabel(String.format(Locale.ROOT, "%s:slice-%04d", title, s.z() + 1));
            rt.addValue("Slice", s.z() + 1);
            rt.addValue("Infected (px)", s.infectedPixels());
            rt.addValue("Infected (mm^2)", s.infectedAreaMm2());
            rt.addValue("Mean probability", s.meanProbability());
            if (withLungs) {
                String state = state(s, s.z() < lungs.size() ? lungs.get(s.z()) : null);
                unreliable += state.startsWith("ok") || state.startsWith("cut") ? 0 : s.infectedPixels() > 0 ? 1 : 0;
                rt.addValue("Lung (mm^2)", s.lungAreaMm2());
                rt.addValue("Infected outside lung (px)", s.infectedOutsideLungPixels());
                rt.addValue("Burden (%)", s.burdenPercent());
                rt.addValue("Lung mask", state);
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
                rt.addValue("Infected outside lung (px)",
                        b.slices().stream().mapToLong(SliceBurden::infectedOutsideLungPixels).sum());
                rt.addValue("Burden (%)", b.burdenPercent());
                rt.addValue("Lung mask", unreliable == 0 ? "ok" : "unreliable on " + unreliable + " slice(s)");
            }
        }
    }

    /** The "Lung mask" cell of a slice ({@code status} may be null when unknown). */
    public static String state(SliceBurden s, LungSegmentation.Status status) {
        if (!s.lungMaskReliable()) {
            return s.lungPixels() == 0 ? "none found" : String.format(Locale.ROOT, "unreliable: %.0f%% of infection outside",
                    100.0 * s.infectedOutsideLungPixels() / s.infectedPixels());
        }
        if (status == LungSegmentation.Status.BORDER) {
            return "cut by image border";
        }
        return s.lungPixels() == 0 ? "none found" : "ok";
    }

    /**
     * One line for the log about the slices whose lung mask is unreliable or cut by the border, or null when every
     * mask is ok.
     */
    public static String warning(String title, VolumeBurden b, List<LungSegmentation.Status> lungs) {
        StringBuilder bad = new StringBuilder(), cut = new StringBuilder();
        for (SliceBurden s : b.slices()) {
            String st = state(s, s.z() < lungs.size() ? lungs.get(s.z()) : null);
            if (s.infectedPixels() > 0 && (st.startsWith("unreliable") || st.startsWith("none"))) {
                bad.append(bad.length() == 0 ? "" : ", ").append(s.z() + 1).append(" (").append(st).append(')');
            } else if (st.startsWith("cut")) {
                cut.append(cut.length() == 0 ? "" : ", ").append(s.z() + 1);
            }
        }
        if (bad.length() == 0 && cut.length() == 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder("Inf-Net: ").append(title).append(": ");
        if (bad.length() > 0) {
            sb.append("lung mask unreliable on slice ").append(bad)
                    .append(": the burden there counts infection outside the lung mask as lung");
        }
        if (cut.length() > 0) {
            sb.append(bad.length() > 0 ? "; " : "").append("lungs cut by the image border on slice ").append(cut)
                    .append(": the burden is of the visible lung only");
        }
        return sb.toString();
    }
}
