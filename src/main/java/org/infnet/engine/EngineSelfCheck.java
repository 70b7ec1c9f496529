package org.infnet.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.training.GradientCollector;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.infnet.nn.ChannelsLast;

/**
 * The engine self-check, run by {@link EngineSetup} in a child JVM (a crash of the engine must not take the
 * caller down): under one {@link EngineConfig}, PyTorch's convolutions of the shapes Inf-Net uses (1x1, 3x3,
 * grouped, dilated, strided) against {@link ReferenceConvolution}, forward and backward (gradients of the
 * input and the weight), in NCHW and channels-last, with 1 and N engine threads, at batch 1 and 4.
 *
 * <p>Usage: {@code EngineSelfCheck ONEDNN(on|off) THREADS}. NNPACK is left on only where it starts. Prints lines
 * starting with {@code selfcheck } (one per failed comparison, then {@code selfcheck nnpack true|false},
 * {@code selfcheck ms T} with T the time of a fixed forward workload, {@code selfcheck result pass|fail N});
 * exits 0 when every comparison passed, 3 when one failed. A crash of the engine ends the process otherwise.
 */
public final class EngineSelfCheck {

    /** Exit status of a check that ran to the end with a wrong number. */
    static final int EXIT_WRONG = 3;

    /** One convolution of the network's kind, on an input of {@code h x h}. */
    record Case(String name, ReferenceConvolution conv, int h, boolean bias) {}

    /** The shapes: Inf-Net's (Res2Net-50 v1b 26w4s stem and bottlenecks, receptive-field blocks, decoders). */
    static List<Case> cases() {
        return List.of(
                new Case("stem 3x3/2 3->32", new ReferenceConvolution(3, 32, 3, 2, 1, 1, 1), 48, false),
                new Case("1x1 256->64", new ReferenceConvolution(256, 64, 1, 1, 0, 1, 1), 22, true),
                new Case("1x1 64->256", new ReferenceConvolution(64, 256, 1, 1, 0, 1, 1), 22, false),
                new Case("3x3 26->26", new ReferenceConvolution(26, 26, 3, 1, 1, 1, 1), 22, true),
                new Case("3x3 grouped 78->78 g3", new ReferenceConvolution(78, 78, 3, 1, 1, 1, 3), 22, true),
                new Case("3x3/2 52->52", new ReferenceConvolution(52, 52, 3, 2, 1, 1, 1), 22, false),
                new Case("3x3 dilated 32->32 d5", new ReferenceConvolution(32, 32, 3, 1, 5, 5, 1), 22, true),
                new Case("7x7 64->32", new ReferenceConvolution(64, 32, 7, 1, 3, 1, 1), 12, true));
    }

    private EngineSelfCheck() {}

    /** Runs the check; see the class comment. */
    public static void main(String[] args) {
        DjlDefaults.apply();
        boolean onednn = "on".equals(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = System.out;
        Engine.getEngine("PyTorch");
        AtenContext aten = AtenContext.of(Path.of(LibUtils.getLibtorchPath()));
        boolean nnpack = aten.nnpackAvailable();
        aten.setNnpack(nnpack);
        aten.setMkldnn(onednn);
        JniUtils.setGradMode(false);
        out.println("selfcheck nnpack " + nnpack);
        out.flush();
        if (Boolean.getBoolean("infnet.selfcheck.haltAfterLoad")) {
            Runtime.getRuntime().halt(134); // stands in for an engine crash (SIGFPE) in EngineSetupTest
        }
        int failed = 0;
        int compared = 0;
        Random rnd = new Random(20261204);
        try (NDManager m = NDManager.newBaseManager()) {
            for (Case cs : cases()) {
                ReferenceConvolution rc = cs.conv();
                int cg = rc.c() / rc.groups();
                float[] w = uniform(rnd, rc.o() * cg * rc.k() * rc.k(), 1 / Math.sqrt(cg * rc.k() * rc.k()));
                float[] bias = cs.bias() ? uniform(rnd, rc.o(), 0.5) : null;
                for (int n : new int[] {1, 4}) {
                    float[] x = uniform(rnd, n * rc.c() * cs.h() * cs.h(), 1);
                    double[] ref = rc.forward(x, w, bias, n, cs.h(), cs.h());
                    int ho = rc.out(cs.h());
                    float[] gy = uniform(rnd, n * rc.o() * ho * ho, 1);
                    double[][] refGrad = n == 4 ? rc.backward(x, w, gy, n, cs.h(), cs.h()) : null;
                    for (int t : new int[] {1, threads}) {
                        JniUtils.setNumThreads(t);
                        for (boolean cl : new boolean[] {false, true}) {
                            String what = String.format(Locale.ROOT, "%s batch %d %s %d thread%s", cs.name(), n,
                                    cl ? "channels-last" : "NCHW", t, t == 1 ? "" : "s");
                            try (NDManager s = m.newSubManager()) {
                                float[][] got = run(s, cs, n, x, w, bias, refGrad == null ? null : gy, cl);
                                compared++;
                                failed += compare(out, what + " forward", got[0], ref);
                                if (refGrad != null) {
                                    failed += compare(out, what + " grad input", got[1], refGrad[0]);
                                    failed += compare(out, what + " grad weight", got[2], refGrad[1]);
                                }
                            }
                        }
                    }
                }
            }
            JniUtils.setNumThreads(threads);
            out.println("selfcheck ms " + String.format(Locale.ROOT, "%.1f", timing(m, rnd)));
        }
        out.println("selfcheck result " + (failed == 0 ? "pass" : "fail") + " " + compared);
        out.flush();
        System.exit(failed == 0 ? 0 : EXIT_WRONG);
    }

    /** Output, and where {@code gy} is given the input's and the weight's gradients of {@code sum(y * gy)}. */
    private static float[][] run(NDManager s, Case cs, int n, float[] x, float[] w, float[] bias, float[] gy,
            boolean channelsLast) {
        ReferenceConvolution rc = cs.conv();
        NDArray xa = s.create(x, new Shape(n, rc.c(), cs.h(), cs.h()));
        NDArray wa = s.create(w, new Shape(rc.o(), rc.c() / rc.groups(), rc.k(), rc.k()));
        NDArray ba = bias == null ? null : s.create(bias);
        Shape stride = new Shape(rc.stride(), rc.stride());
        Shape pad = new Shape(rc.pad(), rc.pad());
        Shape dil = new Shape(rc.dilation(), rc.dilation());
        if (gy == null) {
            NDArray xi = channelsLast ? ChannelsLast.copyOf(xa, s) : xa;
            NDArray wi = channelsLast ? ChannelsLast.copyOf(wa, s) : wa;
            NDArray y = Conv2d.conv2d(xi, wi, ba, stride, pad, dil, rc.groups()).singletonOrThrow();
            return new float[][] {y.toFloatArray()};
        }
        JniUtils.setGradMode(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            xa.setRequiresGradient(true);
            wa.setRequiresGradient(true);
            NDArray xi = channelsLast ? ChannelsLast.copyOf(xa, s) : xa;
            NDArray wi = channelsLast ? ChannelsLast.copyOf(wa, s) : wa;
            NDArray y = Conv2d.conv2d(xi, wi, ba, stride, pad, dil, rc.groups()).singletonOrThrow();
            NDArray g = s.create(gy, y.getShape());
            gc.backward(y.mul(g).sum());
            return new float[][] {y.toFloatArray(), xa.getGradient().toFloatArray(),
                wa.getGradient().toFloatArray()};
        } finally {
            JniUtils.setGradMode(false);
        }
    }

    /** Prints and counts a comparison beyond float rounding (NaN included): 1 if wrong, else 0. */
    static int compare(PrintStream out, String what, float[] got, double[] ref) {
        double scale = 0;
        for (double r : ref) {
            scale = Math.max(scale, Math.abs(r));
        }
        double tol = 1e-4 * (1 + scale);
        double worst = 0;
        boolean bad = got.length != ref.length;
        for (int i = 0; i < got.length && !bad; i++) {
            double d = Math.abs(got[i] - ref[i]);
            if (!(d <= tol)) {
                bad = true;
                worst = Double.isNaN(d) ? Double.NaN : Math.max(worst, d);
            }
            if (d > worst) {
                worst = d;
            }
        }
        if (bad) {
            out.println(String.format(Locale.ROOT, "selfcheck wrong %s: max abs diff %.3g (tolerance %.2g)", what,
                    worst, tol));
            return 1;
        }
        return 0;
    }

    /** Milliseconds of a fixed workload: every case forward at batch 4, channels-last, best of 2. */
    private static double timing(NDManager m, Random rnd) {
        List<Case> cases = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        for (Case cs : cases()) {
            Case big = new Case(cs.name(), cs.conv(), cs.h(), false);
            cases.add(big);
            inputs.add(uniform(rnd, 4 * cs.conv().c() * big.h() * big.h(), 1));
        }
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 2; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inputs.size(); i++) {
                Case cs = cases.get(i);
                ReferenceConvolution rc = cs.conv();
                float[] w = new float[rc.o() * rc.c() / rc.groups() * rc.k() * rc.k()];
                try (NDManager s = m.newSubManager()) {
                    run(s, cs, 4, inputs.get(i), w, null, null, true);
                }
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    private static float[] uniform(Random rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }
}
