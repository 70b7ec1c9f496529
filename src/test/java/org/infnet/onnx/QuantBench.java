package org.infnet.onnx;

import ai.djl.Device;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.infnet.eval.FolderEvaluation;
import org.infnet.image.GrayImage;
import org.infnet.io.ImageFiles;
import org.infnet.image.Resampling;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.model.InputEncoder;

/**
 * Bench of int8 (and fp16/bf16) variants of an Inf-Net's ONNX model against the float model (issue 21, item 3): not
 * a test. Calibrates on {@code --calib} slices, writes fp32 and int8 probability maps of the {@code --imgs}
 * slices, evaluates both against {@code --gt} with the project's evaluator, then times the settings interleaved.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:target/lib/* org.infnet.onnx.QuantBench --model models/infnet-compact \
 *      --calib .../Pseudo-label/Imgs --ncalib 8 --imgs .../Doctor-label/Imgs --gt .../Doctor-label/GT \
 *      --out /tmp/q --rounds 3 --slices 20
 * </pre>
 */
public final class QuantBench {

    private record Config(String name, String precision, int intra, int inter, boolean parallel, OptLevel level) {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].substring(2), argv[i + 1]);
        }
        Path out = Path.of(a.getOrDefault("out", "/tmp/quant"));
        Files.createDirectories(out);
        // the paper network with formula weights: the compact model's input size and normalisation (ImageNet's)
        boolean paper = a.get("model").equals("paper-formula");
        NetworkModel<InfNet> model = ModelKind.INFNET.load(Path.of(paper ? "models/infnet-compact" : a.get("model")), Device.cpu());
        int side = model.descriptor().inputSize();
        InputEncoder enc = new InputEncoder(model.descriptor().normalisation());
        ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager();
        ai.djl.nn.Block net = paper ? org.infnet.nn.PaperFormulaNet.create(manager, side) : model.net();
        long t0 = System.nanoTime();
        byte[] fp32 = OnnxNetwork.export(net, side, Map.of());
        System.out.printf(Locale.ROOT, "export %.1f s, %d bytes%n", (System.nanoTime() - t0) / 1e9, fp32.length);

        int nc = Integer.parseInt(a.getOrDefault("ncalib", "8"));
        List<FloatBuffer> calibIn = new ArrayList<>();
        if (a.get("calib").equals("phantom")) { // what OnnxNetwork uses for --precision int8
            var n = model.descriptor().normalisation();
            calibIn.addAll(OnnxQuantizer.phantomCalibration(side, n.mean(), n.std()));
            nc = calibIn.size();
        } else {
            List<Path> calib = list(Path.of(a.get("calib")));
            for (int i = 0; i < nc; i++) {
                calibIn.add(encode(enc, calib.get(i * calib.size() / nc), side).input);
            }
        }
        OnnxQuantizer.Options opt = new OnnxQuantizer.Options(a.containsKey("int8-input"),
                !a.containsKey("int8-tail"), !a.containsKey("no-relu-fusion"),
                Double.parseDouble(a.getOrDefault("percentile", "100")));
        t0 = System.nanoTime();
        byte[] int8 = OnnxQuantizer.quantize(fp32, opt, calibIn, new long[] {1, 3, side, side});
        System.out.printf(Locale.ROOT, "calibrate (%d slices) + quantise %.1f s, %d bytes, options %s%n", nc,
                (System.nanoTime() - t0) / 1e9, int8.length, opt);
        Files.write(out.resolve("fp32.onnx"), fp32);
        Files.write(out.resolve("int8.onnx"), int8);
        opCounts("int8 after ORT ALL_OPT", int8, out.resolve("int8-opt.onnx"));
        opCounts("fp32 after ORT ALL_OPT", fp32, out.resolve("fp32-opt.onnx"));

        // accuracy: fp32 and int8 probability maps of the evaluation slices
        List<Path> imgs = list(Path.of(a.get("imgs")));
        List<Encoded> eval = new ArrayList<>();
        for (Path p : imgs) {
            eval.add(encode(enc, p, side));
        }
        OrtEnvironment env = OnnxNetwork.environment();
        if (a.containsKey("cast")) {
            for (String t : a.get("cast").split(",")) {
                tryCast(fp32, t, side, eval);
            }
        }
        if (a.containsKey("gt") || a.containsKey("diff")) {
            Config base = new Config("acc", "fp32", 1, 1, false, OptLevel.ALL_OPT);
            try (OrtSession f = session(env, fp32, base); OrtSession q = session(env, int8, base)) {
                Path df = out.resolve("pred-fp32");
                Path dq = out.resolve("pred-int8");
                for (Path d : List.of(df, dq)) {
                    Files.createDirectories(d);
                }
                double maxDiff = 0;
                double sumMean = 0;
                long over = 0;
                long pixels = 0;
                double[] sliceMax = new double[eval.size()];
                for (int i = 0; i < eval.size(); i++) {
                    Encoded e = eval.get(i);
                    float[] pf = sigmoid(run(env, f, e.input, side));
                    float[] pq = sigmoid(run(env, q, e.input, side));
                    double m = 0;
                    double s = 0;
                    for (int k = 0; k < pf.length; k++) {
                        double d = Math.abs(pf[k] - pq[k]);
                        m = Math.max(m, d);
                        s += d;
                        over += d > 0.1 ? 1 : 0;
                    }
                    maxDiff = Math.max(maxDiff, m);
                    sliceMax[i] = m;
                    pixels += pf.length;
                    sumMean += s / pf.length;
                    String name = e.file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                    ImageFiles.writeFloatTiff(df.resolve(name + ".tif"),
                            Resampling.bilinear(pf, side, side, e.w, e.h), e.w, e.h, null);
                    ImageFiles.writeFloatTiff(dq.resolve(name + ".tif"),
                            Resampling.bilinear(pq, side, side, e.w, e.h), e.w, e.h, null);
                }
                System.out.printf(Locale.ROOT, "probability |fp32 - int8| at %d px: max %.4f, mean %.5f (%d slices)%n",
                        side, maxDiff, sumMean / eval.size(), eval.size());
                double[] sorted = sliceMax.clone();
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "  per-slice max: median %.3f, largest five %s; pixels with diff > 0.1:"
                        + " %.4f %%%n", median(sliceMax), Arrays.toString(Arrays.copyOfRange(sorted,
                        Math.max(0, sorted.length - 5), sorted.length)), 100.0 * over / pixels);
                if (a.containsKey("gt")) {
                    Path gt = Path.of(a.get("gt"));
                    var rf = FolderEvaluation.evaluate(df, gt);
                    var rq = FolderEvaluation.evaluate(dq, gt);
                    double[] dF = halfDice(rf);
                    double[] dQ = halfDice(rq);
                    double maxSlice = 0;
                    for (int i = 0; i < dF.length; i++) {
                        maxSlice = Math.max(maxSlice, Math.abs(dF[i] - dQ[i]));
                    }
                    System.out.printf(Locale.ROOT, "Dice@0.5 mean over %d slices: fp32 %.4f int8 %.4f (change %+.4f; "
                            + "largest per-slice change %.4f)%n", dF.length, mean(dF), mean(dQ), mean(dQ) - mean(dF),
                            maxSlice);
                    if (a.containsKey("folds")) {
                        String json = Files.readString(Path.of(a.get("folds")));
                        String folds = json.substring(json.indexOf("\"folds\""));
                        java.util.regex.Matcher fm = java.util.regex.Pattern.compile("\\[([^\\[\\]]*)\\]").matcher(folds);
                        int k = 0;
                        StringBuilder sb = new StringBuilder("Dice@0.5 per fold (fp32 -> int8):");
                        while (fm.find()) {
                            List<String> names = new ArrayList<>();
                            for (String n : fm.group(1).split(",")) {
                                names.add(n.replaceAll("[\"\\s]", ""));
                            }
                            double sf = 0;
                            double sq = 0;
                            int c = 0;
                            for (int i = 0; i < rf.images().size(); i++) {
                                if (names.contains(rf.images().get(i).name())) {
                                    sf += dF[i];
                                    sq += dQ[i];
                                    c++;
                                }
                            }
                            sb.append(String.format(Locale.ROOT, " fold %d (%d) %.4f -> %.4f (%+.4f);", k++, c, sf / c, sq / c,
                                    (sq - sf) / c));
                        }
                        System.out.println(sb);
                    }
                    System.out.println("fp32 " + rf.summary().formatLine());
                    System.out.println("int8 " + rq.summary().formatLine());
                }
            }
        }

        if (a.containsKey("profile")) {
            for (byte[] m : List.of(fp32, int8)) {
                profile(env, m == fp32 ? "fp32" : "int8", m, eval, side, out);
            }
        }

        // speed
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
        int slices = Integer.parseInt(a.getOrDefault("slices", "20"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "1"));
        List<Config> configs = configs(a.getOrDefault("configs", "all"));
        List<OrtSession> sessions = new ArrayList<>();
        for (Config c : configs) {
            byte[] bytes = switch (c.precision) {
                case "int8" -> int8;
                case "fp16" -> OnnxCast.cast(fp32, OnnxModel.FLOAT16);
                default -> fp32;
            };
            sessions.add(session(env, bytes, c));
        }
        FloatBuffer[] batches = new FloatBuffer[eval.size() / batch];
        for (int b = 0; b < batches.length; b++) {
            List<float[]> part = new ArrayList<>();
            for (int k = 0; k < batch; k++) {
                part.add(eval.get(b * batch + k).resized);
            }
            batches[b] = enc.encode(part, side);
        }
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[][][] ms = new double[configs.size()][3][rounds];
        for (int c = 0; c < configs.size(); c++) { // warm-up
            for (int k = 0; k < 3; k++) {
                run(env, sessions.get(c), batches[k % batches.length], side, batch);
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < configs.size(); c++) {
                long w0 = System.nanoTime();
                long c0 = tmx.getCurrentThreadCpuTime();
                long p0 = os.getProcessCpuTime();
                int n = 0;
                for (int k = 0; n < slices; k++) {
                    run(env, sessions.get(c), batches[k % batches.length], side, batch);
                    n += batch;
                }
                ms[c][0][r] = (System.nanoTime() - w0) / 1e6 / n;
                ms[c][1][r] = (tmx.getCurrentThreadCpuTime() - c0) / 1e6 / n;
                ms[c][2][r] = (os.getProcessCpuTime() - p0) / 1e6 / n;
            }
            System.out.printf(Locale.ROOT, "round %d done, load %.1f%n", r + 1, os.getSystemLoadAverage());
        }
        System.out.printf(Locale.ROOT, "%n| setting | batch | wall ms/slice (median; min) | calling-thread CPU ms | "
                + "process CPU ms |%n| --- | --- | --- | --- | --- |%n");
        for (int c = 0; c < configs.size(); c++) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f; %.1f | %.1f | %.1f |%n", configs.get(c).name, batch,
                    median(ms[c][0]), Arrays.stream(ms[c][0]).min().orElse(0), median(ms[c][1]), median(ms[c][2]));
        }
        for (OrtSession s : sessions) {
            s.close();
        }
        model.close();
        manager.close();
    }

    /** Time per operator type over 20 batch-1 runs (ONNX Runtime's profiler, intra-op 1, all optimisations). */
    private static void profile(OrtEnvironment env, String what, byte[] model, List<Encoded> eval, int side, Path out)
            throws Exception {
        String file;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OptLevel.ALL_OPT);
            o.setIntraOpNumThreads(1);
            o.enableProfiling(out.resolve("profile-" + what).toString());
            try (OrtSession s = env.createSession(model, o)) {
                for (int i = 0; i < 23; i++) {
                    run(env, s, eval.get(i % eval.size()).input, side);
                }
                file = s.endProfiling();
            }
        }
        String json = Files.readString(Path.of(file));
        java.util.regex.Pattern dur = java.util.regex.Pattern.compile("\"dur\" ?: ?(\\d+)");
        java.util.regex.Pattern op = java.util.regex.Pattern.compile("\"op_name\" ?: ?\"(\\w+)\"");
        Map<String, Long> us = new TreeMap<>();
        long total = 0;
        for (String line : json.split("\n")) {
            if (!line.contains("\"Node\"") || !line.contains("_kernel_time")) {
                continue;
            }
            java.util.regex.Matcher d = dur.matcher(line);
            java.util.regex.Matcher o = op.matcher(line);
            if (d.find() && o.find()) {
                us.merge(o.group(1), Long.parseLong(d.group(1)), Long::sum);
                total += Long.parseLong(d.group(1));
            }
        }
        StringBuilder sb = new StringBuilder(what + " operator time per slice (ms, 23 runs incl. 3 warm-up):");
        final long t = total;
        us.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).forEach(
                e -> sb.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), e.getValue() / 1000.0 / 23)));
        sb.append(String.format(Locale.ROOT, "; total %.2f", t / 1000.0 / 23));
        System.out.println(sb);
    }

    private static List<Config> configs(String which) {
        List<Config> all = new ArrayList<>();
        for (String p : new String[] {"fp32", "int8"}) {
            String q = p;
            all.add(new Config(p + " intra1 inter1 seq all", q, 1, 1, false, OptLevel.ALL_OPT));
            all.add(new Config(p + " intra2 inter1 seq all", q, 2, 1, false, OptLevel.ALL_OPT));
            all.add(new Config(p + " intra1 inter2 parallel all", q, 1, 2, true, OptLevel.ALL_OPT));
            all.add(new Config(p + " intra1 inter1 seq extended", q, 1, 1, false, OptLevel.EXTENDED_OPT));
            all.add(new Config(p + " intra1 inter1 seq basic", q, 1, 1, false, OptLevel.BASIC_OPT));
        }
        all.add(new Config("fp16 (Cast) intra1 inter1 seq all", "fp16", 1, 1, false, OptLevel.ALL_OPT));
        if (which.equals("all")) {
            return all;
        }
        List<Config> some = new ArrayList<>();
        for (String s : which.split(",")) {
            some.add(all.get(Integer.parseInt(s)));
        }
        return some;
    }

    private static OrtSession session(OrtEnvironment env, byte[] model, Config c) throws Exception {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(c.level);
            o.setExecutionMode(c.parallel ? ExecutionMode.PARALLEL : ExecutionMode.SEQUENTIAL);
            o.setIntraOpNumThreads(c.intra);
            o.setInterOpNumThreads(c.inter);
            return env.createSession(model, o);
        }
    }

    private static void opCounts(String what, byte[] model, Path optimised) {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OptLevel.ALL_OPT);
            o.setIntraOpNumThreads(1);
            o.setOptimizedModelFilePath(optimised.toString());
            OnnxNetwork.environment().createSession(model, o).close();
            OnnxModel m = OnnxModel.parse(Files.readAllBytes(optimised));
            Map<String, Integer> counts = new TreeMap<>();
            for (OnnxModel.Node n : m.nodes) {
                counts.merge(n.op, 1, Integer::sum);
            }
            System.out.println(what + ": " + counts);
        } catch (Exception e) {
            System.out.println(what + ": " + e);
        }
    }

    private static void tryCast(byte[] fp32, String type, int side, List<Encoded> eval) {
        try {
            byte[] m = OnnxCast.cast(fp32, type.equals("bf16") ? OnnxModel.BFLOAT16 : OnnxModel.FLOAT16);
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(1);
                try (OrtSession s = OnnxNetwork.environment().createSession(m, o)) {
                    FloatBuffer x = OnnxNetwork.directFloats(3 * side * side);
                    long t = System.nanoTime();
                    run(OnnxNetwork.environment(), s, x, side);
                    System.out.printf(Locale.ROOT, "%s: runs, first run %.0f ms%n", type, (System.nanoTime() - t) / 1e6);
                    if (eval != null) {
                        double max = 0;
                        try (OrtSession f = OnnxNetwork.environment().createSession(fp32, o)) {
                            for (Encoded e : eval) {
                                float[] a = sigmoid(run(OnnxNetwork.environment(), f, e.input, side));
                                float[] b = sigmoid(run(OnnxNetwork.environment(), s, e.input, side));
                                for (int i = 0; i < a.length; i++) {
                                    max = Math.max(max, Math.abs(a[i] - b[i]));
                                }
                            }
                        }
                        System.out.printf(Locale.ROOT, "%s: max |p - p_fp32| %.5f over %d slices%n", type, max,
                                eval.size());
                    }
                }
            }
        } catch (Exception e) {
            System.out.println(type + ": not supported: " + e.getMessage());
        }
    }

    private record Encoded(Path file, int w, int h, float[] resized, FloatBuffer input) {}

    private static Encoded encode(InputEncoder enc, Path p, int side) throws Exception {
        GrayImage g = ImageFiles.read(p);
        float[] unit = new float[g.width() * g.height()];
        for (int i = 0; i < unit.length; i++) {
            unit[i] = g.pixels()[i] / 255f;
        }
        float[] r = Resampling.bilinear(unit, g.width(), g.height(), side, side);
        return new Encoded(p, g.width(), g.height(), r, enc.encode(List.of(r), side));
    }

    private static float[] run(OrtEnvironment env, OrtSession s, FloatBuffer x, int side) throws Exception {
        return run(env, s, x, side, 1);
    }

    private static float[] run(OrtEnvironment env, OrtSession s, FloatBuffer x, int side, int batch)
            throws Exception {
        x.rewind();
        try (OnnxTensor t = OnnxTensor.createTensor(env, x, new long[] {batch, 3, side, side});
                OrtSession.Result r = s.run(Map.of("input", t), java.util.Set.of("map2", "edge"))) {
            FloatBuffer b = ((OnnxTensor) r.get("map2").orElseThrow()).getFloatBuffer();
            float[] v = new float[b.remaining()];
            b.get(v);
            return v;
        }
    }

    private static float[] sigmoid(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (1 / (1 + Math.exp(-v[i])));
        }
        return v;
    }

    private static double[] halfDice(FolderEvaluation.Result r) {
        return r.images().stream().mapToDouble(i -> i.scores().diceAtHalf()).toArray();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
