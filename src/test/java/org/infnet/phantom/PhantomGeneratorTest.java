package org.infnet.phantom;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.infnet.image.HuWindow;
import org.junit.jupiter.api.Test;

class PhantomGeneratorTest {

    static final PhantomGenerator.Params P = PhantomGenerator.Params.defaults().withSize(256).withLesionCount(6)
            .withConsolidationFraction(0.4);

    @Test
    void sameSeedSamePixelsDifferentSeedDifferentPixels() {
        PhantomSlice a = new PhantomGenerator(5).slice(P), b = new PhantomGenerator(5).slice(P);
        assertArrayEquals(a.hu(), b.hu());
        assertArrayEquals(a.infection(), b.infection());
        assertArrayEquals(a.classes(), b.classes());
        assertArrayEquals(a.lung(), b.lung());
        PhantomSlice c = new PhantomGenerator(6).slice(P);
        assertFalse(Arrays.equals(a.hu(), c.hu()));
        assertFalse(Arrays.equals(a.infection(), c.infection()));
    }

    @Test
    void labelsAreConsistentAndInsideLungs() {
        for (long seed = 0; seed < 4; seed++) {
            PhantomSlice s = new PhantomGenerator(seed).slice(P);
            int inf = 0;
            for (int i = 0; i < s.hu().length; i++) {
                if (s.infection()[i] != 0) {
                    inf++;
                    assertEquals(1, s.lung()[i], "lesion outside lung at " + i + " seed " + seed);
                }
                assertEquals(s.infection()[i] != 0, s.classes()[i] != 0);
                assertTrue(s.classes()[i] >= 0 && s.classes()[i] <= 2);
            }
            assertTrue(inf > 100, "seed " + seed + " has visible lesions: " + inf);
            assertEquals(inf, s.infectedPixels());
        }
    }

    @Test
    void huValuesAreInTheirAnatomicalRanges() {
        PhantomSlice s = new PhantomGenerator(3).slice(P.withConsolidationFraction(0.5).withLesionCount(8));
        float[] ggo = select(s, (byte) 1), cons = select(s, (byte) 2);
        assertTrue(ggo.length > 50 && cons.length > 50, "both classes present: " + ggo.length + ", " + cons.length);
        assertInRange("GGO median", median(ggo), -650, -250);
        assertInRange("consolidation median", median(cons), -150, 100);
        float[] healthyLung = new float[s.hu().length];
        int n = 0;
        for (int i = 0; i < s.hu().length; i++) {
            if (s.lung()[i] != 0 && s.infection()[i] == 0) {
                healthyLung[n++] = s.hu()[i];
            }
        }
        assertInRange("healthy lung median", median(Arrays.copyOf(healthyLung, n)), -920, -780);
        assertInRange("air corner", s.hu()[0], -1100, -900);
        float max = Float.NEGATIVE_INFINITY;
        for (float v : s.hu()) {
            max = Math.max(max, v);
        }
        assertTrue(max > 500, "bone present, max HU " + max);
        // the zero-lesion slice has no infection at all
        assertEquals(0, new PhantomGenerator(3).slice(P.withLesionCount(0)).infectedPixels());
    }

    @Test
    void lungWindowRenderingAndOrientation() {
        PhantomSlice s = new PhantomGenerator(9).slice(P.withNoiseHu(0));
        byte[] b = s.lungWindow8();
        assertEquals(s.hu().length, b.length);
        assertArrayEquals(HuWindow.LUNG.toBytes(s.hu()), b);
        PhantomSlice r = new PhantomGenerator(9).slice(P.withNoiseHu(0).withOrientation(PhantomGenerator.Orientation.SPINE_LEFT));
        int n = P.size();
        // rotate clockwise: (x,y) -> (n-1-y, x)
        for (int y = 0; y < n; y += 17) {
            for (int x = 0; x < n; x += 13) {
                assertEquals(s.hu()[y * n + x], r.hu()[x * n + (n - 1 - y)]);
                assertEquals(s.lung()[y * n + x], r.lung()[x * n + (n - 1 - y)]);
            }
        }
    }

    @Test
    void volumeHasSmoothLesionsAndKnownVolume() {
        PhantomGenerator.Params p = PhantomGenerator.Params.defaults().withSize(128).withLesionCount(4);
        PhantomVolume v = new PhantomGenerator(11).volume(p, 24, 2.5);
        assertEquals(24, v.depth());
        assertEquals(2.5, v.calibration().pixelDepth());
        assertEquals(0.7 * 512 / 128, v.calibration().pixelWidth(), 1e-9);
        long count = 0;
        for (int i = 0; i < v.infection().length; i++) {
            if (v.infection()[i] != 0) {
                count++;
                assertEquals(1, v.lung()[i]);
            }
        }
        assertTrue(count > 200, "infected voxels " + count);
        assertEquals(count, v.infectedVoxels());
        assertEquals(count * 2.8 * 2.8 * 2.5 / 1000.0, v.infectedVolumeMl(), 1e-9);
        assertTrue(v.lungVolumeMl() > v.infectedVolumeMl());
        // smooth along z: adjacent non-empty slices overlap strongly
        int slicesWithLesion = 0;
        for (int z = 0; z + 1 < v.depth(); z++) {
            PhantomSlice a = v.slice(z), b = v.slice(z + 1);
            int ia = a.infectedPixels(), ib = b.infectedPixels();
            if (ia > 30 && ib > 30) {
                slicesWithLesion++;
                int both = 0;
                for (int i = 0; i < a.infection().length; i++) {
                    both += a.infection()[i] != 0 && b.infection()[i] != 0 ? 1 : 0;
                }
                double dice = 2.0 * both / (ia + ib);
                assertTrue(dice > 0.5, "z=" + z + " dice " + dice);
            }
        }
        assertTrue(slicesWithLesion >= 3, "lesions span several slices: " + slicesWithLesion);
        PhantomVolume again = new PhantomGenerator(11).volume(p, 24, 2.5);
        assertArrayEquals(v.hu(), again.hu());
    }

    @Test
    void lesionsArePredominantlySubpleuralAndPosterior() {
        double infDist = 0, lungDist = 0, infY = 0, lungY = 0;
        long nInf = 0, nLung = 0;
        for (long seed = 0; seed < 6; seed++) {
            PhantomSlice s = new PhantomGenerator(seed).slice(P.withNoiseHu(0));
            float[] d = PhantomGenerator.pleuraDistance(s.lung(), s.width());
            for (int i = 0; i < d.length; i++) {
                if (s.lung()[i] != 0) {
                    lungDist += d[i];
                    lungY += i / s.width();
                    nLung++;
                    if (s.infection()[i] != 0) {
                        infDist += d[i];
                        infY += i / s.width();
                        nInf++;
                    }
                }
            }
        }
        double di = infDist / nInf, dl = lungDist / nLung, yi = infY / nInf, yl = lungY / nLung;
        assertTrue(di < 0.75 * dl, "lesions hug the pleura: mean depth " + di + " px against " + dl + " px for the lung");
        assertTrue(yi > yl + 5, "lesions lie posteriorly: mean row " + yi + " against " + yl + " for the lung");
    }

    @Test
    void vesselsBranchFromTheHilaAndThinTowardsThePeriphery() {
        // dense vessel cores (> -100 HU: vessels at least about a pixel thick) in the inner lung (> 28 mm from the
        // pleura) against a subpleural band (3..10 mm), three lesion-free 512 px slices without noise
        long deep = 0, deepVessel = 0, rim = 0, rimVessel = 0;
        for (long seed = 1; seed <= 3; seed++) {
            PhantomSlice s = new PhantomGenerator(seed).slice(PhantomGenerator.Params.defaults().withLesionCount(0).withNoiseHu(0));
            float[] d = PhantomGenerator.pleuraDistance(s.lung(), s.width());
            for (int i = 0; i < d.length; i++) {
                if (s.lung()[i] == 0) {
                    continue;
                }
                boolean vessel = s.hu()[i] > -100;
                if (d[i] > 40) {
                    deep++;
                    deepVessel += vessel ? 1 : 0;
                } else if (d[i] >= 4 && d[i] < 14) {
                    rim++;
                    rimVessel += vessel ? 1 : 0;
                }
            }
        }
        double fDeep = (double) deepVessel / deep, fRim = (double) rimVessel / rim;
        assertTrue(fDeep > 0.005 && fDeep < 0.2, "dense vessel fraction in the inner lung " + fDeep);
        assertTrue(fRim < 0.8 * fDeep, "fewer, finer vessels under the pleura: " + fRim + " against " + fDeep);
    }

    @Test
    void groundGlassKeepsVesselsVisibleAndConsolidationsShowAirBronchograms() {
        long ggoVessel = 0, airInConsolidation = 0;
        for (long seed = 0; seed < 6; seed++) {
            PhantomSlice s = new PhantomGenerator(seed).slice(P.withNoiseHu(0).withConsolidationFraction(0.5).withLesionCount(8));
            for (int i = 0; i < s.hu().length; i++) {
                if (s.classes()[i] == PhantomSlice.GGO && s.hu()[i] > -150) {
                    ggoVessel++;
                }
                if (s.classes()[i] == PhantomSlice.CONSOLIDATION && s.hu()[i] < -500) {
                    airInConsolidation++;
                }
            }
        }
        assertTrue(ggoVessel > 20, "vessels run through ground glass: " + ggoVessel + " px");
        assertTrue(airInConsolidation > 20, "air bronchograms inside consolidations: " + airInConsolidation + " px");
    }

    @Test
    void spineRightIsTheTransposeAndCropsCopyExactPixels() {
        PhantomSlice s = new PhantomGenerator(9).slice(P);
        PhantomSlice t = new PhantomGenerator(9).slice(P.withOrientation(PhantomGenerator.Orientation.SPINE_RIGHT));
        PhantomSlice tt = s.transposed();
        assertArrayEquals(tt.hu(), t.hu());
        assertArrayEquals(tt.infection(), t.infection());
        assertArrayEquals(tt.lung(), t.lung());
        int[] b = s.lungBounds(3);
        PhantomSlice c = s.crop(b[0], b[1], b[2], b[3]);
        assertEquals(s.hu()[(b[1] + 7) * s.width() + b[0] + 5], c.hu()[7 * c.width() + 5]);
        int lung = 0, cropLung = 0;
        for (byte v : s.lung()) {
            lung += v;
        }
        for (byte v : c.lung()) {
            cropLung += v;
        }
        assertEquals(lung, cropLung, "the lung bounds keep every lung pixel");
        assertThrows(IllegalArgumentException.class, () -> s.crop(b[0], b[1], s.width(), 10));
    }

    @Test
    void paramsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> P.withLesionCount(-1));
        assertThrows(IllegalArgumentException.class, () -> P.withConsolidationFraction(1.5));
        assertThrows(IllegalArgumentException.class, () -> P.withSize(8));
        assertThrows(IllegalArgumentException.class, () -> new PhantomGenerator(1).volume(P, 0, 1));
    }

    private static float[] select(PhantomSlice s, byte cls) {
        float[] out = new float[s.hu().length];
        int n = 0;
        for (int i = 0; i < out.length; i++) {
            if (s.classes()[i] == cls) {
                out[n++] = s.hu()[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static double median(float[] v) {
        float[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static void assertInRange(String what, double v, double lo, double hi) {
        assertTrue(v >= lo && v <= hi, what + " = " + v + " not in [" + lo + "," + hi + "]");
    }
}
