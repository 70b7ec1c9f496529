package org.infnet.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static post-training int8 quantisation of a float ONNX model (as {@link OnnxExport} writes them), in the QDQ form
 * that ONNX Runtime's CPU provider fuses into integer kernels ({@code QLinearConv} and friends):
 * <ul>
 *   <li>activations: per-tensor asymmetric uint8 ({@code QuantizeLinear} then {@code DequantizeLinear} after the
 *       node that makes the value, read by all its consumers), ranges calibrated by running the float model on real
 *       inputs with the values exposed as graph outputs ({@link #calibrate}, min/max over all inputs, widened to hold
 *       0); the outputs of {@code MaxPool} and {@code Split} share their input's parameters (ONNX Runtime then drops
 *       the pairs around them); a {@code Conv} read only by a {@code Relu} is quantised after the ReLU (ONNX Runtime
 *       folds the ReLU into the zero point);</li>
 *   <li>weights of every convolution that reads and makes quantised values: per-output-channel symmetric int8
 *       ({@code [-127, 127]}), biases int32 at scale {@code input scale x weight scale};</li>
 *   <li>kept in float: the graph outputs and the "tail" before them (every value from which an output is reached
 *       without passing a convolution: the logit maps, their resizes and the additions of reverse attention), the
 *       resize matrices ({@code MatMul} with float initialisers) and, optionally, the network's input.</li>
 * </ul>
 */
public final class OnnxQuantizer {

    /** Which parts stay float. */
    public record Options(boolean quantizeInput, boolean floatTail, boolean reluAfterConv, double percentile) {
        /**
         * The defaults: the input float (quantising the normalised 8-bit slice to uint8 lost more than the rest:
         * Dice 0.0011 lower against 0.0000), the tail float, Conv+ReLU quantised after the ReLU, ranges min/max
         * (percentile 100; clipping at 99.99 or 99.9 lowered Dice).
         */
        public static final Options DEFAULT = new Options(false, true, true, 100);
    }

    /** A calibrated range of one value, and the value's shape (last seen; null when unknown). */
    public record Range(float min, float max, long[] shape) {
        Range union(Range o) {
            return o == null ? this : new Range(Math.min(min, o.min), Math.max(max, o.max), shape);
        }
    }

    /** uint8 scale and zero point of a range (widened to hold 0, as integer kernels need an exact zero). */
    record Quant(float scale, int zeroPoint) {
        static Quant of(Range r) {
            float lo = Math.min(0f, r.min());
            float hi = Math.max(0f, r.max());
            if (hi - lo < 1e-12f) {
                return new Quant(1f, 0);
            }
            float scale = (hi - lo) / 255f;
            int zp = Math.round(-lo / scale);
            return new Quant(scale, Math.max(0, Math.min(255, zp)));
        }
    }

    /** Version of the quantiser, part of a cached int8 model's key. */
    public static final String VERSION = "2";

    private OnnxQuantizer() {}

    /**
     * Resource (beside this class) holding the calibration slices of {@link #phantomCalibration}: gzip of, in big-endian
     * order, the slice count, then per slice its width, height and {@code width * height} 8-bit values (row-major,
     * {@code round(255 * unit)} of the lung window). It is made in the test sources from the phantom generator, which
     * is not part of the plugin ({@code CalibrationSlices} there writes and checks it).
     */
    public static final String CALIBRATION_RESOURCE = "phantom-calibration.bin.gz";

    /**
     * The calibration inputs of models quantised on load: the 8 phantom test slices (the images of {@code
     * test-images/Imgs}, stored in the lung window as 8-bit values, {@link #CALIBRATION_RESOURCE}), resized bilinearly
     * to {@code side} and normalised per channel ({@code (v - mean[c]) / std[c]}, as the input encoder does), one
     * batch of one slice each. Calibrating on them instead of 8 COVID-SemiSeg slices changed the mean Dice of the
     * doctor-labelled slices by 0.0010 (doc/onnx.md).
     */
    public static List<FloatBuffer> phantomCalibration(int side, float[] mean, float[] std) {
        List<FloatBuffer> out = new ArrayList<>();
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                new java.util.zip.GZIPInputStream(java.util.Objects.requireNonNull(
                        OnnxQuantizer.class.getResourceAsStream(CALIBRATION_RESOURCE), CALIBRATION_RESOURCE))))) {
            int count = in.readInt();
            for (int k = 0; k < count; k++) {
                int width = in.readInt();
                int height = in.readInt();
                byte[] values = new byte[width * height];
                in.readFully(values);
                float[] unit = new float[values.length];
                for (int i = 0; i < unit.length; i++) {
                    unit[i] = (values[i] & 0xFF) / 255f;
                }
                float[] r = org.infnet.image.Resampling.bilinear(unit, width, height, side, side);
                FloatBuffer b = OnnxNetwork.directFloats(mean.length * side * side);
                for (int c = 0; c < mean.length; c++) {
                    for (float v : r) {
                        b.put((v - mean[c]) / std[c]);
                    }
                }
                out.add(b.flip());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("calibration slices " + CALIBRATION_RESOURCE, e);
        }
        return out;
    }

    /** The values of {@code model} that the quantised model quantises, in graph order. */
    static List<String> activations(OnnxModel m, Options o) {
        Map<String, OnnxModel.Node> producers = m.producers();
        Map<String, List<OnnxModel.Node>> consumers = m.consumers();
        Set<String> outputs = new HashSet<>(m.outputNames());
        Set<String> tail = o.floatTail() ? tail(m, producers) : Set.of();
        List<String> result = new ArrayList<>();
        if (o.quantizeInput()) {
            for (OnnxModel.Value v : m.inputs) {
                if (!m.initialisers.containsKey(v.name())) {
                    result.add(v.name());
                }
            }
        }
        for (OnnxModel.Node n : m.nodes) {
            if (n.op.equals("Identity")) {
                continue;
            }
            for (String v : n.outputs) {
                if (outputs.contains(v) || tail.contains(v)) {
                    continue;
                }
                List<OnnxModel.Node> readers = consumers.getOrDefault(v, List.of());
                if (readers.isEmpty() || readers.stream().anyMatch(r -> r.op.equals("Identity"))) {
                    continue;
                }
                if (o.reluAfterConv() && n.op.equals("Conv") && readers.size() == 1
                        && readers.get(0).op.equals("Relu")) {
                    continue; // quantised after the ReLU
                }
                result.add(v);
            }
        }
        return result;
    }

    /** The values from which a graph output is reached without passing a convolution (a convolution's output included). */
    private static Set<String> tail(OnnxModel m, Map<String, OnnxModel.Node> producers) {
        Set<String> tail = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(m.outputNames());
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (!tail.add(v)) {
                continue;
            }
            OnnxModel.Node p = producers.get(v);
            if (p == null || p.op.equals("Conv")) {
                continue;
            }
            for (String i : p.inputs) {
                if (!i.isEmpty() && !m.initialisers.containsKey(i)) {
                    todo.push(i);
                }
            }
        }
        return tail;
    }

    /**
     * The model with {@code values} added as graph outputs (float, shape left to inference), for calibration.
     */
    static byte[] exposing(byte[] model, List<String> values) {
        OnnxModel m = OnnxModel.parse(model);
        Set<String> have = new HashSet<>(m.outputNames());
        for (String v : values) {
            if (have.add(v)) {
                m.outputs.add(OnnxModel.Value.of(v, OnnxModel.FLOAT));
            }
        }
        return m.toBytes();
    }

    /**
     * Calibrates the values that {@link #quantize} quantises with {@code o}: runs the float {@code model} on each
     * batch of {@code inputs} (row-major, shape {@code shape}, input {@code input}) and returns each value's
     * min/max over all of them.
     */
    public static Map<String, Range> calibrate(byte[] model, Options o, List<FloatBuffer> inputs, long[] shape) {
        List<String> values = activations(OnnxModel.parse(model), o);
        byte[] exposed = exposing(model, values);
        Map<String, Range> ranges = new LinkedHashMap<>();
        OrtEnvironment env = OnnxNetwork.environment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            so.setInterOpNumThreads(1);
            try (OrtSession s = env.createSession(exposed, so)) {
                String inputName = s.getInputNames().iterator().next();
                for (FloatBuffer in : inputs) {
                    in.rewind();
                    try (OnnxTensor x = OnnxTensor.createTensor(env, in, shape);
                            OrtSession.Result r = s.run(Map.of(inputName, x), new LinkedHashSet<>(values))) {
                        for (String v : values) {
                            Range range;
                            if (v.equals(inputName)) {
                                in.rewind();
                                range = range(in, shape, o.percentile());
                            } else {
                                OnnxTensor t = (OnnxTensor) r.get(v).orElseThrow();
                                range = range(t.getFloatBuffer(), t.getInfo().getShape(), o.percentile());
                            }
                            ranges.merge(v, range, Range::union);
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to calibrate: " + e.getMessage(), e);
        }
        return ranges;
    }

    /**
     * The range of {@code b}: min/max, or for a percentile p below 100 the (100 - p)th and pth percentiles of up to
     * 2^16 evenly spaced values.
     */
    private static Range range(FloatBuffer b, long[] shape, double percentile) {
        if (percentile >= 100) {
            return minMax(b, shape);
        }
        int n = b.remaining();
        int step = Math.max(1, n >> 16);
        float[] v = new float[(n + step - 1) / step];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.get(b.position() + i * step);
        }
        Arrays.sort(v);
        int hi = (int) Math.min(v.length - 1, Math.round(percentile / 100 * (v.length - 1)));
        return new Range(v[v.length - 1 - hi], v[hi], shape.clone());
    }

    private static Range minMax(FloatBuffer b, long[] shape) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = b.position(); i < b.limit(); i++) {
            float v = b.get(i);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new Range(lo, hi, shape.clone());
    }

    /** Calibrates on {@code inputs} (batches of shape {@code shape}) and quantises: {@link #calibrate} then {@link #quantize}. */
    public static byte[] quantize(byte[] model, Options o, List<FloatBuffer> inputs, long[] shape) {
        return quantize(model, o, calibrate(model, o, inputs, shape));
    }

    /** The QDQ model of float {@code model}, with the calibrated {@code ranges} of {@link #activations}. */
    public static byte[] quantize(byte[] model, Options o, Map<String, Range> ranges) {
        OnnxModel m = OnnxModel.parse(model);
        List<String> values = activations(m, o);
        poolIntoConv(m, ranges);
        values.removeIf(v -> !m.producers().containsKey(v) && m.inputs.stream().noneMatch(i -> i.name().equals(v)));
        Map<String, OnnxModel.Node> producers = m.producers();
        Map<String, List<OnnxModel.Node>> consumers = m.consumers();
        Set<String> quantised = new LinkedHashSet<>(values);
        // parameters, in graph order: MaxPool and Split outputs share their (quantised) input's
        Map<String, Quant> params = new HashMap<>();
        for (String v : values) {
            OnnxModel.Node p = producers.get(v);
            Range r = ranges.get(v);
            if (p != null && (p.op.equals("MaxPool") || p.op.equals("Split")) && params.containsKey(p.inputs.get(0))) {
                params.put(v, params.get(p.inputs.get(0)));
            } else if (r == null) {
                throw new IllegalArgumentException("no calibrated range for " + v);
            } else {
                params.put(v, Quant.of(r));
            }
        }
        // the new node list: Q/DQ after each quantised value, weights of integer convolutions quantised
        List<OnnxModel.Node> out = new ArrayList<>();
        for (OnnxModel.Value in : m.inputs) {
            if (quantised.contains(in.name())) {
                out.addAll(qdq(m, in.name(), params.get(in.name())));
            }
        }
        Map<String, String> renamed = new HashMap<>();
        for (String v : quantised) {
            renamed.put(v, v + "_dq");
        }
        for (OnnxModel.Node n : m.nodes) {
            for (int i = 0; i < n.inputs.size(); i++) {
                String r = renamed.get(n.inputs.get(i));
                if (r != null) {
                    n.inputs.set(i, r);
                }
            }
            if (n.op.equals("Conv")) {
                String x = n.inputs.get(0);
                String y = n.outputs.get(0);
                boolean inQ = x.endsWith("_dq") && quantised.contains(x.substring(0, x.length() - 3));
                List<OnnxModel.Node> readers = consumers.getOrDefault(y, List.of());
                boolean outQ = quantised.contains(y) || (readers.size() == 1 && readers.get(0).op.equals("Relu")
                        && quantised.contains(readers.get(0).outputs.get(0)));
                if (inQ && outQ) {
                    out.addAll(quantiseWeights(m, n, params.get(x.substring(0, x.length() - 3)).scale()));
                }
            }
            out.add(n);
            for (String v : n.outputs) {
                if (quantised.contains(v)) {
                    out.addAll(qdq(m, v, params.get(v)));
                }
            }
        }
        m.nodes.clear();
        m.nodes.addAll(out);
        return m.toBytes();
    }

    /**
     * Replaces each 2x2 stride-2 {@code AveragePool} (no padding, input of even height and width in {@code ranges}'
     * shapes) read only by a 1x1 convolution by one 2x2 stride-2 convolution of the weights / 4: the same values, and
     * an integer convolution instead of ONNX Runtime's slow {@code QLinearAveragePool} (the residual shortcuts of
     * Res2Net's downsampling blocks).
     */
    static void poolIntoConv(OnnxModel m, Map<String, Range> ranges) {
        Map<String, List<OnnxModel.Node>> consumers = m.consumers();
        for (int k = 0; k < m.nodes.size(); k++) {
            OnnxModel.Node p = m.nodes.get(k);
            if (!p.op.equals("AveragePool") || !Arrays.equals(p.ints("kernel_shape"), new long[] {2, 2})
                    || !Arrays.equals(p.ints("strides"), new long[] {2, 2})
                    || Arrays.stream(p.ints("pads")).anyMatch(x -> x != 0)) {
                continue;
            }
            Range in = ranges.get(p.inputs.get(0));
            if (in == null || in.shape() == null || in.shape().length != 4 || in.shape()[2] % 2 != 0
                    || in.shape()[3] % 2 != 0) {
                continue;
            }
            List<OnnxModel.Node> readers = consumers.getOrDefault(p.outputs.get(0), List.of());
            if (readers.size() != 1 || !readers.get(0).op.equals("Conv")) {
                continue;
            }
            OnnxModel.Node c = readers.get(0);
            OnnxModel.Tensor w = m.initialisers.get(c.inputs.get(1));
            if (w == null || w.type() != OnnxModel.FLOAT || w.dims()[2] != 1 || w.dims()[3] != 1
                    || c.ints("group").length == 1 && c.ints("group")[0] != 1
                    || Arrays.stream(c.ints("strides")).anyMatch(x -> x != 1)
                    || Arrays.stream(c.ints("pads")).anyMatch(x -> x != 0)) {
                continue;
            }
            float[] wv = w.floats();
            float[] w4 = new float[wv.length * 4];
            for (int i = 0; i < wv.length; i++) {
                Arrays.fill(w4, 4 * i, 4 * i + 4, wv[i] / 4);
            }
            String wn = w.name() + "_pool";
            m.initialisers.remove(w.name());
            m.initialisers.put(wn, OnnxModel.Tensor.ofFloats(wn, new long[] {w.dims()[0], w.dims()[1], 2, 2}, w4));
            List<String> inputs = new ArrayList<>(c.inputs);
            inputs.set(0, p.inputs.get(0));
            inputs.set(1, wn);
            OnnxModel.Node fused = OnnxModel.Node.of("Conv", c.name, inputs, c.outputs)
                    .intsAttribute("kernel_shape", 2, 2).intsAttribute("strides", 2, 2)
                    .intsAttribute("pads", 0, 0, 0, 0).intsAttribute("dilations", 1, 1).intAttribute("group", 1);
            m.nodes.set(m.nodes.indexOf(c), fused);
            m.nodes.remove(k);
            k--;
        }
    }

    /** QuantizeLinear then DequantizeLinear of value {@code v} (to {@code v_dq}), their parameters as initialisers. */
    private static List<OnnxModel.Node> qdq(OnnxModel m, String v, Quant q) {
        String scale = v + "_scale";
        String zp = v + "_zp";
        m.initialisers.put(scale, OnnxModel.Tensor.ofFloats(scale, new long[0], new float[] {q.scale()}));
        m.initialisers.put(zp, new OnnxModel.Tensor(zp, new long[0], OnnxModel.UINT8,
                new byte[] {(byte) q.zeroPoint()}));
        return List.of(
                OnnxModel.Node.of("QuantizeLinear", v + "_Q", List.of(v, scale, zp), List.of(v + "_q")),
                OnnxModel.Node.of("DequantizeLinear", v + "_DQ", List.of(v + "_q", scale, zp), List.of(v + "_dq")));
    }

    /**
     * Replaces convolution {@code conv}'s float weight (and bias) initialisers by int8 (int32) ones and
     * {@code DequantizeLinear} nodes, returned to be placed before the convolution.
     */
    private static List<OnnxModel.Node> quantiseWeights(OnnxModel m, OnnxModel.Node conv, float inputScale) {
        List<OnnxModel.Node> nodes = new ArrayList<>();
        String wName = conv.inputs.get(1);
        OnnxModel.Tensor w = m.initialisers.get(wName);
        if (w == null || w.type() != OnnxModel.FLOAT) {
            return nodes;
        }
        float[] wv = w.floats();
        int oc = (int) w.dims()[0];
        int per = wv.length / oc;
        float[] ws = new float[oc];
        byte[] wq = new byte[wv.length];
        for (int c = 0; c < oc; c++) {
            float max = 0;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(wv[c * per + i]));
            }
            ws[c] = max > 0 ? max / 127f : 1f;
            for (int i = 0; i < per; i++) {
                int q = Math.round(wv[c * per + i] / ws[c]);
                wq[c * per + i] = (byte) Math.max(-127, Math.min(127, q));
            }
        }
        m.initialisers.remove(wName);
        put(m, new OnnxModel.Tensor(wName + "_q", w.dims(), OnnxModel.INT8, wq));
        put(m, OnnxModel.Tensor.ofFloats(wName + "_scale", new long[] {oc}, ws));
        put(m, new OnnxModel.Tensor(wName + "_zp", new long[] {oc}, OnnxModel.INT8, new byte[oc]));
        nodes.add(OnnxModel.Node.of("DequantizeLinear", wName + "_DQ",
                List.of(wName + "_q", wName + "_scale", wName + "_zp"), List.of(wName + "_dq"))
                .intAttribute("axis", 0));
        conv.inputs.set(1, wName + "_dq");
        if (conv.inputs.size() > 2 && !conv.inputs.get(2).isEmpty()) {
            String bName = conv.inputs.get(2);
            OnnxModel.Tensor b = m.initialisers.get(bName);
            float[] bv = b.floats();
            float[] bs = new float[oc];
            int[] bq = new int[oc];
            for (int c = 0; c < oc; c++) {
                bs[c] = inputScale * ws[c];
                double q = Math.rint(bv[c] / (double) bs[c]);
                bq[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, q));
            }
            m.initialisers.remove(bName);
            put(m, OnnxModel.Tensor.ofInts(bName + "_q", new long[] {oc}, bq));
            put(m, OnnxModel.Tensor.ofFloats(bName + "_scale", new long[] {oc}, bs));
            put(m, OnnxModel.Tensor.ofInts(bName + "_zp", new long[] {oc}, new int[oc]));
            nodes.add(OnnxModel.Node.of("DequantizeLinear", bName + "_DQ",
                    List.of(bName + "_q", bName + "_scale", bName + "_zp"), List.of(bName + "_dq"))
                    .intAttribute("axis", 0));
            conv.inputs.set(2, bName + "_dq");
        }
        return nodes;
    }

    private static void put(OnnxModel m, OnnxModel.Tensor t) {
        m.initialisers.put(t.name(), t);
    }

    /** A direct little-endian-native buffer holding {@code v}. */
    static FloatBuffer direct(float[] v) {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * v.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(v).rewind();
        return b;
    }
}
