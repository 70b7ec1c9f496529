package org.infnet.train.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.infnet.image.GrayImage;
import org.infnet.io.ImageFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks against the COVID-SemiSeg training data, when it is present next to the worktree. */
class RealDataTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    static final Path BASE = Paths.get(System.getProperty("infnet.semiseg", "../shared/covid-semiseg"))
            .resolve("TrainingSet/LungInfection-Train");
    static final Path DOCTOR = BASE.resolve("Doctor-label"), PSEUDO = BASE.resolve("Pseudo-label");

    @BeforeAll
    static void requireData() {
        assumeTrue(Files.isDirectory(DOCTOR), "COVID-SemiSeg data not present at " + DOCTOR.toAbsolutePath());
    }

    @Test
    void doctorLabelHas50MatchedSamplesOfGrayJpegs() throws IOException {
        InfNetDataset ds = InfNetDataset.open(DOCTOR);
        assertEquals(50, ds.size());
        assertTrue(ds.entries().stream().allMatch(InfNetDataset.Entry::hasEdgeFile));
        GrayImage g = ImageFiles.read(ds.entry("12").image());
        assertEquals(8, g.bitDepth(), "real slices are 8-bit gray JPEGs");
        assertEquals(212, g.width());
        assertEquals(269, g.height());
        Sample s = ds.load("12");
        for (float v : s.mask01()) {
            assertTrue(v == 0f || v == 1f, "doctor labels are binary");
        }
    }

    @Test
    void multiClassPalettePngReadsAsClassIndices() throws IOException {
        Path gt = BASE.resolveSibling("MultiClassInfection-Train").resolve("GT").resolve("0.png");
        assumeTrue(Files.isRegularFile(gt));
        GrayImage g = ImageFiles.read(gt);
        float max = 0;
        for (float v : g.pixels()) {
            assertEquals(Math.rint(v), v, 0.0);
            max = Math.max(max, v);
        }
        assertEquals(2f, max, "palette indices 0/1/2, not palette colours");
    }

    @Test
    void derivedEdgesMatchShippedEdges() throws IOException {
        InfNetDataset ds = InfNetDataset.open(DOCTOR);
        for (String name : List.of("0", "12", "30")) {
            Sample s = ds.load(name);
            float[] derived = EdgeMaps.fromMask(s.mask01(), s.width(), s.height());
            int shipped = 0, both = 0, der = 0;
            for (int i = 0; i < derived.length; i++) {
                boolean a = s.edge01()[i] >= 0.5f, b = derived[i] > 0;
                shipped += a ? 1 : 0;
                der += b ? 1 : 0;
                both += a && b ? 1 : 0;
            }
            assertTrue(shipped > 0);
            double dice = 2.0 * both / (shipped + der);
            assertTrue(dice > 0.98, name + ": dice " + dice);
            assertEquals(shipped, both, name + ": every shipped edge pixel follows the derivation rule");
        }
    }

    @Test
    void pseudoLabelsAreSoftAndRootsMerge() throws IOException {
        assumeTrue(Files.isDirectory(PSEUDO));
        InfNetDataset ds = InfNetDataset.open(List.of(DOCTOR, PSEUDO));
        assertEquals(1650, ds.size());
        Sample s = ds.load("Data-1_coronacases_org_001_1");
        boolean soft = false;
        for (float v : s.mask01()) {
            soft |= v > 0.01f && v < 0.99f;
        }
        assertTrue(soft, "pseudo labels keep intermediate values");
    }
}
