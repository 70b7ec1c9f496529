package org.infnet.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.infnet.image.Calibration3D;
import org.infnet.io.nifti.NiftiReader;
import org.infnet.io.nifti.NiftiVolume;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomNifti;
import org.infnet.phantom.PhantomVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Infection burden: exact unit conversions, CSV output and a phantom volume with known truth. */
class InfectionBurdenTest {

    @TempDir
    Path dir;

    // 4x2 pixels, 2 slices. Slice 0: lung = 4 px (x 0..3, y 0), infection = 3 px, 2 of them in the lung.
    // Slice 1: no lung, 1 infected pixel.
    private static final byte[] LUNG = {1, 1, 1, 1, 0, 0, 0, 0, /* z1 */ 0, 0, 0, 0, 0, 0, 0, 0};
    private static final byte[] INF = {(byte) 255, 0, (byte) 255, 0, (byte) 255, 0, 0, 0, /* z1 */ 0, 0, 0, 0, 0, 0, 0, 1};
    private static final float[] PROB = {0.9f, 0.1f, 0.7f, 0.4f, 0.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.6f};

    @Test
    void handComputedAreasVolumesAndPercentages() {
        Calibration3D cal = new Calibration3D(0.5, 0.5, 2.0, "mm"); // pixel 0.25 mm^2, voxel 0.5 mm^3
        VolumeBurden b = InfectionBurden.compute(INF, PROB, LUNG, 4, 2, 2, cal);
        SliceBurden s0 = b.slices().get(0), s1 = b.slices().get(1);
        assertEquals(3, s0.infectedPixels());
        assertEquals(0.75, s0.infectedAreaMm2(), 1e-12);
        assertEquals(2, s0.infectedInLungPixels());
        assertEquals(4, s0.lungPixels());
        assertEquals(1.0, s0.lungAreaMm2(), 1e-12);
        // the infected pixel outside the lung mask counts as lung: 3 infected of 4 + 1 lung pixels
        assertEquals(1, s0.infectedOutsideLungPixels());
        assertEquals(60.0, s0.burdenPercent(), 1e-12);
        assertFalse(s0.lungMaskReliable(), "a third of the infection outside the lung mask");
        assertEquals((0.9 + 0.7 + 0.5) / 3, s0.meanProbability(), 1e-6);
        assertEquals(1, s1.infectedPixels());
        assertEquals(0, s1.lungPixels());
        assertEquals(100.0, s1.burdenPercent(), 1e-12, "never NaN: infection without a lung mask is all burden");
        assertFalse(s1.lungMaskReliable());
        assertEquals(0.6, s1.meanProbability(), 1e-6);
        assertEquals(4 * 0.5e-3, b.infectedVolumeMl(), 1e-12);
        assertEquals(2 * 0.5e-3, b.infectedInLungVolumeMl(), 1e-12);
        assertEquals(4 * 0.5e-3, b.lungVolumeMl(), 1e-12);
        assertEquals(100.0 * 4 / 6, b.burdenPercent(), 1e-12);
        assertEquals((0.9 + 0.7 + 0.5 + 0.6) / 4, b.meanProbability(), 1e-6);

        // 1 mm x 1 mm x 1 mm voxels: 1000 voxels = 1 mL; centimetre calibration converts
        byte[] big = new byte[10 * 10 * 10];
        java.util.Arrays.fill(big, (byte) 1);
        VolumeBurden cube = InfectionBurden.compute(big, null, big, 10, 10, 10, Calibration3D.of(0.1, 0.1, "cm"));
        assertEquals(1.0, cube.lungVolumeMl(), 1e-9);
        assertEquals(100.0, cube.slices().get(3).lungAreaMm2(), 1e-9);
        assertEquals(100.0, cube.burdenPercent(), 1e-12);
        assertTrue(Double.isNaN(cube.meanProbability()));

        // uncalibrated: counts and percentages only
        VolumeBurden u = InfectionBurden.compute(INF, null, LUNG, 4, 2, 2, Calibration3D.UNCALIBRATED);
        assertTrue(Double.isNaN(u.lungVolumeMl()) && Double.isNaN(u.slices().get(0).infectedAreaMm2()));
        assertEquals(100.0 * 4 / 6, u.burdenPercent(), 1e-12);
        // no lung and no infection: 0 %, not NaN; infection all inside the lung: reliable
        VolumeBurden none = InfectionBurden.compute(new byte[8], null, new byte[8], 4, 2, 1, Calibration3D.UNCALIBRATED);
        assertEquals(0.0, none.burdenPercent());
        assertTrue(none.slices().get(0).lungMaskReliable());
        assertTrue(InfectionBurden.compute(LUNG, null, LUNG, 4, 2, 2, Calibration3D.UNCALIBRATED).slices().get(0)
                .lungMaskReliable());
    }

    @Test
    void probabilityThresholdGivesTheMask() {
        Calibration3D cal = new Calibration3D(0.5, 0.5, 2.0, "mm");
        VolumeBurden b = InfectionBurden.fromProbability(PROB, 0.5, LUNG, 4, 2, 2, cal);
        // >= 0.5: 0.9, 0.7, 0.5 (slice 0; 0.9 and 0.7 in lung), 0.6 (slice 1)
        assertEquals(3, b.slices().get(0).infectedPixels());
        assertEquals(2, b.slices().get(0).infectedInLungPixels());
        assertEquals(1, b.slices().get(1).infectedPixels());
        assertEquals(100.0 * 4 / 6, b.burdenPercent(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> InfectionBurden.compute(INF, null, new byte[3], 4, 2, 2, cal));
    }

    @Test
    void csvTablesAreWrittenAtomically() throws IOException {
        VolumeBurden b = InfectionBurden.compute(INF, PROB, LUNG, 4, 2, 2, new Calibration3D(0.5, 0.5, 2.0, "mm"));
        Path f = dir.resolve("burden.csv");
        BurdenCsv.writeSlices(f, b);
        List<String> lines = Files.readAllLines(f);
        assertEquals(BurdenCsv.SLICE_HEADER, lines.get(0));
        assertEquals(3, lines.size());
        String[] r0 = lines.get(1).split(",", -1);
        assertEquals("0", r0[0]);
        assertEquals("3", r0[1]);
        assertEquals(0.75, Double.parseDouble(r0[2]), 1e-9);
        assertEquals(60.0, Double.parseDouble(r0[6]), 1e-9);
        assertEquals(100.0, Double.parseDouble(lines.get(2).split(",", -1)[6]), 1e-9, "never NaN");
        Map<String, VolumeBurden> m = new LinkedHashMap<>();
        m.put("case, one", b);
        Path s = dir.resolve("summary.csv");
        BurdenCsv.writeSummary(s, m);
        List<String> sl = Files.readAllLines(s);
        assertEquals(BurdenCsv.SUMMARY_HEADER, sl.get(0));
        assertTrue(sl.get(1).startsWith("\"case, one\",2,"), sl.get(1));
        try (var st = Files.list(dir)) {
            assertEquals(2, st.count(), "no temporary files left");
        }
    }

    @Test
    void phantomBurdenWithTrueInfectionAndClassicalLungsIsWithinTwoPoints() throws IOException {
        PhantomGenerator.Params p = PhantomGenerator.Params.defaults().withSize(192).withLesionCount(12)
                .withConsolidationFraction(0.5);
        PhantomVolume pv = new PhantomGenerator(77).volume(p, 12, 5.0);
        // through NIfTI in HU, as a user would load a CT
        NiftiVolume v = NiftiReader.read(PhantomNifti.write(pv, dir.resolve("phantom.nii.gz")));
        byte[] lungs = new LungSegmentation().volume(v.data(), v.width(), v.height(), v.depth(), v.calibration());
        VolumeBurden measured = InfectionBurden.compute(pv.infection(), null, lungs, v.width(), v.height(), v.depth(),
                v.calibration());
        VolumeBurden truth = InfectionBurden.compute(pv.infection(), null, pv.lung(), pv.width(), pv.height(),
                pv.depth(), pv.calibration());
        double trueBurden = 100.0 * pv.infectedVolumeMl() / pv.lungVolumeMl();
        System.out.printf(Locale.ROOT, "[burden] true %.3f%% (infected %.3f mL, lung %.2f mL); measured %.3f%%"
                + " (infected-in-lung %.3f mL, lung %.2f mL); lung Dice %.4f%n", trueBurden, pv.infectedVolumeMl(),
                pv.lungVolumeMl(), measured.burdenPercent(), measured.infectedInLungVolumeMl(), measured.lungVolumeMl(),
                LungSegmentationTest.dice(lungs, pv.lung()));
        assertEquals(trueBurden, truth.burdenPercent(), 1e-9);
        assertEquals(pv.lungVolumeMl(), truth.lungVolumeMl(), 1e-6);
        assertEquals(pv.infectedVolumeMl(), truth.infectedVolumeMl(), 1e-6);
        assertTrue(trueBurden > 2, "phantom should carry a real infection load, was " + trueBurden);
        assertEquals(trueBurden, measured.burdenPercent(), 2.0);
        assertEquals(pv.lungVolumeMl(), measured.lungVolumeMl(), 0.05 * pv.lungVolumeMl());
    }
}
