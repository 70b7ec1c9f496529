package org.infnet.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.LibUtils;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The engine self-check, its cached verdict, and the configuration it puts in force. */
class EngineSetupTest {

    @Test
    void verdictIsCachedForThisMachineAndDecidesTheConfiguration() {
        SelfCheckVerdict v = EngineSetup.verdict();
        assertTrue(v.complete(), v.summary());
        Path file = EngineSetup.verdictFile(EngineSetup.key());
        assertTrue(Files.isRegularFile(file), "verdict cached in " + file);
        assertEquals(v, SelfCheckVerdict.read(file), "the cached verdict reads back");
        assertNotNull(v.best(), "some configuration computes right: " + v.summary());
        EngineConfig c = EngineSetup.ensure();
        String forced = System.getProperty(EngineSetup.ONEDNN, "auto");
        if (forced.equals("auto")) {
            assertEquals(v.best(), c, "the fastest configuration that passed is in force");
        } else {
            assertEquals(forced.equals("on"), c.onednn());
        }
        assertEquals(v.nnpack(), c.nnpack(), "NNPACK on exactly where it starts");
    }

    @Test
    void libtorchRunsInTheConfigurationInForce() {
        EngineConfig c = EngineSetup.ensure();
        AtenContext aten = AtenContext.of(Paths.get(LibUtils.getLibtorchPath()));
        assertEquals(c.onednn(), aten.mkldnn());
        assertEquals(c.nnpack(), aten.nnpack());
    }

    @Test
    void djlIsOfflineAndQuietOnceSetUp() {
        EngineSetup.ensure();
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
        assertNotNull(System.getProperty(DjlDefaults.DJL_LOG_LEVEL));
    }

    @Test
    void anEngineCrashInTheCheckIsRecordedAndTheCallerLives() {
        SelfCheckVerdict.Result r = EngineSetup.runChild(false, 2, List.of("-Dinfnet.selfcheck.haltAfterLoad=true"));
        assertEquals(SelfCheckVerdict.Status.CRASH, r.status(), r.toString());
        assertEquals(134, r.exit());
        SelfCheckVerdict.Result pass = new SelfCheckVerdict.Result(SelfCheckVerdict.Status.PASS, 0, 50, false, "");
        SelfCheckVerdict v = new SelfCheckVerdict("k", r, pass, false, 2);
        assertTrue(v.complete());
        assertEquals(new EngineConfig(false, false), v.best());
        assertNull(new SelfCheckVerdict("k", r, r, false, 2).best(), "nothing passed, nothing chosen");
        SelfCheckVerdict both = new SelfCheckVerdict("k", pass,
                new SelfCheckVerdict.Result(SelfCheckVerdict.Status.PASS, 0, 80, false, ""), true, 2);
        assertEquals(new EngineConfig(true, true), both.best(), "the faster of two that passed");
        SelfCheckVerdict timeout = new SelfCheckVerdict("k", pass,
                new SelfCheckVerdict.Result(SelfCheckVerdict.Status.TIMEOUT, -1, Double.NaN, false, ""), false, 2);
        assertTrue(!timeout.complete(), "a timed-out check is no verdict and is not cached");
    }

    @Test
    void comparisonCatchesWrongNumbersAndNaN() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(0, EngineSelfCheck.compare(quiet, "same", new float[] {1f, -2f}, new double[] {1, -2.00001}));
        assertEquals(1, EngineSelfCheck.compare(quiet, "off", new float[] {1f, -2.01f}, new double[] {1, -2}));
        assertEquals(1, EngineSelfCheck.compare(quiet, "nan", new float[] {Float.NaN, -2f}, new double[] {1, -2}));
        assertEquals(1, EngineSelfCheck.compare(quiet, "size", new float[] {1f}, new double[] {1, -2}));
    }

    @Test
    void referenceConvolutionIsPyTorchsConv2d() {
        // 3x3 input 1..9, 2x2 kernel [[1,0],[0,1]]: y[i][j] = x[i][j] + x[i+1][j+1]
        ReferenceConvolution c = new ReferenceConvolution(1, 1, 2, 1, 0, 1, 1);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] y = c.forward(x, new float[] {1, 0, 0, 1}, new float[] {0.5f}, 1, 3, 3);
        assertArrayEquals(new double[] {6.5, 8.5, 12.5, 14.5}, y, 0);
        // padding 1, dilation 2: the taps are the four neighbours at distance 1 diagonally / in line, clipped
        ReferenceConvolution d = new ReferenceConvolution(1, 1, 2, 1, 1, 2, 1);
        assertEquals(3, d.out(3));
        assertArrayEquals(new double[] {5, 10, 5, 10, 20, 10, 5, 10, 5},
                d.forward(x, new float[] {1, 1, 1, 1}, null, 1, 3, 3), 0);
        // stride 2 of the same: the corners of the map above
        ReferenceConvolution s = new ReferenceConvolution(1, 1, 2, 2, 1, 2, 1);
        assertArrayEquals(new double[] {5, 5, 5, 5}, s.forward(x, new float[] {1, 1, 1, 1}, null, 1, 3, 3), 0);
    }

    @Test
    void referenceGradientsAreTheDerivativesOfTheForwardPass() {
        ReferenceConvolution c = new ReferenceConvolution(4, 6, 3, 2, 1, 2, 2);
        int n = 2;
        int h = 7;
        Random rnd = new Random(7);
        float[] x = new float[n * 4 * h * h];
        float[] w = new float[6 * 2 * 3 * 3];
        int ho = c.out(h);
        float[] gy = new float[n * 6 * ho * ho];
        for (float[] a : new float[][] {x, w, gy}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
        }
        double[][] g = c.backward(x, w, gy, n, h, h);
        // sum(y * gy) is linear in x and in w: a step in one element changes it by exactly step * gradient
        for (int i = 0; i < x.length; i += 13) {
            float[] x1 = x.clone();
            x1[i] += 1;
            double step = (double) x1[i] - x[i];
            assertEquals((dot(c.forward(x1, w, null, n, h, h), gy) - dot(c.forward(x, w, null, n, h, h), gy)) / step,
                    g[0][i], 1e-9 * (1 + Math.abs(g[0][i])), "d/dx[" + i + "]");
        }
        for (int i = 0; i < w.length; i += 5) {
            float[] w1 = w.clone();
            w1[i] += 1;
            double step = (double) w1[i] - w[i];
            assertEquals((dot(c.forward(x, w1, null, n, h, h), gy) - dot(c.forward(x, w, null, n, h, h), gy)) / step,
                    g[1][i], 1e-9 * (1 + Math.abs(g[1][i])), "d/dw[" + i + "]");
        }
    }

    private static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void verdictKeyNamesTheProcessorLibtorchAndDjl() {
        String k = EngineSetup.key();
        assertTrue(k.contains("libtorch=") && k.contains("2.7.1"), k);
        assertTrue(k.contains("djl=") && k.contains("0.36.0"), k);
        assertTrue(k.contains("cores="), k);
        assertTrue(EngineSetup.verdictFile(k).getFileName().toString().matches("engine-check-[0-9a-f]{16}\\.properties"));
    }
}
