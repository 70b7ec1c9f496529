package org.infnet.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds one ONNX graph (float tensors, opset {@value #OPSET}, IR version {@value #IR_VERSION}) and writes it as
 * a {@code ModelProto}. Every value's shape is tracked as it is made: the spatial sizes are fixed when the graph is
 * built, and dimension 0, written {@code -1}, is the dynamic batch ({@code dim_param "N"}). Initialisers are
 * stored as raw little-endian data.
 */
public final class OnnxGraph {

    /** The ONNX operator set the graph uses. */
    public static final int OPSET = 17;
    /** The ONNX IR version written. */
    public static final int IR_VERSION = 8;

    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final long BATCH = -1;

    /** A node attribute. */
    record Attr(String name, int type, long i, float f, long[] ints) {
        static Attr i(String name, long v) {
            return new Attr(name, 2, v, 0, null);
        }

        static Attr ints(String name, long... v) {
            return new Attr(name, 7, 0, 0, v);
        }

        ProtoWriter proto() {
            ProtoWriter p = new ProtoWriter().string(1, name);
            switch (type) {
                case 2 -> p.int64(3, i);
                case 7 -> {
                    for (long v : ints) {
                        p.int64(8, v);
                    }
                }
                default -> p.float32(2, f);
            }
            return p.int64(20, type);
        }
    }

    private final String name;
    private final ProtoWriter nodes = new ProtoWriter(1 << 16);
    private final ProtoWriter initialisers = new ProtoWriter(1 << 20);
    private final ProtoWriter inputs = new ProtoWriter();
    private final ProtoWriter outputs = new ProtoWriter();
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private int nodeCount;

    /** An empty graph called {@code name}. */
    public OnnxGraph(String name) {
        this.name = name;
    }

    private String fresh(String hint) {
        int n = counters.merge(hint, 1, Integer::sum);
        return n == 1 ? hint : hint + "_" + n;
    }

    /** The shape of value {@code v} ({@code -1} for the batch). */
    public long[] shape(String v) {
        long[] s = shapes.get(v);
        if (s == null) {
            throw new IllegalArgumentException("unknown value " + v);
        }
        return s.clone();
    }

    /** How many nodes the graph has. */
    public int nodeCount() {
        return nodeCount;
    }

    private static ProtoWriter valueInfo(String name, long[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (long d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d == BATCH) {
                dim.string(2, "N");
            } else {
                dim.int64(1, d);
            }
            shape.message(1, dim);
        }
        ProtoWriter tensor = new ProtoWriter().int64(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
    }

    /** Declares a graph input of shape {@code dims} ({@code -1} first for the batch). */
    public String input(String v, long... dims) {
        shapes.put(v, dims.clone());
        inputs.message(11, valueInfo(v, dims));
        return v;
    }

    /** Declares {@code v} a graph output (under its own name). */
    public void output(String v) {
        outputs.message(12, valueInfo(v, shape(v)));
    }

    /** A float initialiser of the given shape. */
    public String constant(String hint, long[] dims, float[] data) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(hint + ": " + data.length + " values for shape " + Arrays.toString(dims));
        }
        String v = fresh(hint);
        ByteBuffer raw = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data);
        tensor(v, dims, FLOAT, raw.array());
        shapes.put(v, dims.clone());
        return v;
    }

    private String int64s(String hint, long... values) {
        String v = fresh(hint);
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        tensor(v, new long[] {values.length}, INT64, raw.array());
        return v;
    }

    private void tensor(String v, long[] dims, int type, byte[] raw) {
        ProtoWriter t = new ProtoWriter(raw.length + 64);
        for (long d : dims) {
            t.int64(1, d);
        }
        t.int64(2, type).string(8, v).bytes(9, raw);
        initialisers.message(5, t);
    }

    /** Adds a node with one output of shape {@code out}; returns the output's name. */
    String node(String op, String[] in, long[] out, Attr... attrs) {
        return nodes(op, in, new long[][] {out}, attrs)[0];
    }

    /** Adds a node with several outputs; returns their names. */
    String[] nodes(String op, String[] in, long[][] out, Attr... attrs) {
        return named(op, in, out, null, attrs);
    }

    /** A copy of {@code v} under the name {@code name} (an {@code Identity} node), e.g. for a graph output. */
    public String identity(String v, String name) {
        if (shapes.containsKey(name)) {
            throw new IllegalArgumentException("value " + name + " exists");
        }
        return named("Identity", new String[] {v}, new long[][] {shape(v)}, new String[] {name})[0];
    }

    private String[] named(String op, String[] in, long[][] out, String[] given, Attr... attrs) {
        String[] names = new String[out.length];
        ProtoWriter n = new ProtoWriter();
        for (String i : in) {
            n.string(1, i);
        }
        for (int k = 0; k < out.length; k++) {
            names[k] = given != null ? given[k] : fresh(op.toLowerCase());
            shapes.put(names[k], out[k].clone());
            n.string(2, names[k]);
        }
        n.string(3, "n" + nodeCount++).string(4, op);
        for (Attr a : attrs) {
            n.message(5, a.proto());
        }
        nodes.message(1, n);
        return names;
    }

    // ---- operators (NCHW float tensors) ----

    /**
     * {@code Conv}: weight (O, I/groups, kh, kw) and optional bias (O), stride, padding (h, w) on both sides,
     * dilation, groups.
     */
    public String conv(String x, long[] wShape, float[] w, float[] bias, int stride, int padH, int padW, int dilation,
            int groups) {
        long[] s = shape(x);
        if (s[1] != wShape[1] * groups) {
            throw new IllegalArgumentException("convolution of " + s[1] + " channels with weight "
                    + Arrays.toString(wShape) + " in " + groups + " groups");
        }
        String wn = constant("w", wShape, w);
        String[] in = bias == null ? new String[] {x, wn} : new String[] {x, wn, constant("b", new long[] {wShape[0]},
                bias)};
        long oh = (s[2] + 2L * padH - (long) dilation * (wShape[2] - 1) - 1) / stride + 1;
        long ow = (s[3] + 2L * padW - (long) dilation * (wShape[3] - 1) - 1) / stride + 1;
        return node("Conv", in, new long[] {s[0], wShape[0], oh, ow},
                Attr.ints("kernel_shape", wShape[2], wShape[3]), Attr.ints("strides", stride, stride),
                Attr.ints("pads", padH, padW, padH, padW), Attr.ints("dilations", dilation, dilation),
                Attr.i("group", groups));
    }

    /** Element-wise unary operator ({@code Relu}, {@code Sigmoid}, ...). */
    public String unary(String op, String x) {
        return node(op, new String[] {x}, shape(x));
    }

    /** Element-wise binary operator with broadcasting ({@code Add}, {@code Sub}, {@code Mul}). */
    public String binary(String op, String a, String b) {
        long[] sa = shapes.get(a);
        long[] sb = shapes.get(b);
        long[] out;
        if (sa == null || sb == null) {
            out = sa == null ? shape(b) : shape(a);
        } else {
            int r = Math.max(sa.length, sb.length);
            out = new long[r];
            for (int i = 0; i < r; i++) {
                long da = i - (r - sa.length) >= 0 ? sa[i - (r - sa.length)] : 1;
                long db = i - (r - sb.length) >= 0 ? sb[i - (r - sb.length)] : 1;
                out[i] = da == 1 ? db : da;
            }
        }
        return node(op, new String[] {a, b}, out);
    }

    /** A float scalar initialiser. */
    public String scalar(String hint, float v) {
        String n = constant(hint, new long[0], new float[] {v});
        shapes.remove(n); // broadcasts against anything
        return n;
    }

    /** {@code Concat} along {@code axis}. */
    public String concat(int axis, String... xs) {
        long[] out = shape(xs[0]);
        for (int i = 1; i < xs.length; i++) {
            out[axis] += shape(xs[i])[axis];
        }
        return node("Concat", xs, out, Attr.i("axis", axis));
    }

    /** {@code Split} along {@code axis} into parts of the given sizes. */
    public String[] split(String x, int axis, long... sizes) {
        long[] s = shape(x);
        long[][] out = new long[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = s.clone();
            out[i][axis] = sizes[i];
        }
        return nodes("Split", new String[] {x, int64s("split", sizes)}, out, Attr.i("axis", axis));
    }

    /** {@code MaxPool} (floor mode). */
    public String maxPool(String x, int k, int stride, int pad) {
        long[] s = shape(x);
        long oh = (s[2] + 2L * pad - k) / stride + 1;
        long ow = (s[3] + 2L * pad - k) / stride + 1;
        return node("MaxPool", new String[] {x}, new long[] {s[0], s[1], oh, ow}, Attr.ints("kernel_shape", k, k),
                Attr.ints("strides", stride, stride), Attr.ints("pads", pad, pad, pad, pad));
    }

    /** {@code AveragePool}, as PyTorch's {@code avg_pool2d(k, stride, pad, ceil_mode, count_include_pad)}. */
    public String avgPool(String x, int k, int stride, int pad, boolean ceil, boolean countIncludePad) {
        long[] s = shape(x);
        long oh = outSize(s[2], k, stride, pad, ceil);
        long ow = outSize(s[3], k, stride, pad, ceil);
        return node("AveragePool", new String[] {x}, new long[] {s[0], s[1], oh, ow}, Attr.ints("kernel_shape", k, k),
                Attr.ints("strides", stride, stride), Attr.ints("pads", pad, pad, pad, pad),
                Attr.i("ceil_mode", ceil ? 1 : 0), Attr.i("count_include_pad", countIncludePad ? 1 : 0));
    }

    private static long outSize(long in, int k, int stride, int pad, boolean ceil) {
        long span = in + 2L * pad - k;
        long o = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (o - 1) * stride >= in + pad) {
            o--; // PyTorch: the last window must start inside the input or its left padding
        }
        return o;
    }

    /**
     * {@code MatMul} of a constant (rows x cols) matrix from the left ({@code left}) or, transposed, from the right,
     * over the last two axes of {@code x}: left gives {@code R · x} (rows must match x's second-to-last axis'
     * output), right gives {@code x · Rᵀ}.
     */
    public String matMulConst(String x, float[] r, int rows, int cols, boolean left) {
        long[] s = shape(x);
        int d = s.length;
        if (left) {
            if (s[d - 2] != cols) {
                throw new IllegalArgumentException("matrix of " + cols + " columns on " + Arrays.toString(s));
            }
            String m = constant("resize_h", new long[] {rows, cols}, r);
            s[d - 2] = rows;
            return node("MatMul", new String[] {m, x}, s);
        }
        if (s[d - 1] != cols) {
            throw new IllegalArgumentException("matrix of " + cols + " columns on " + Arrays.toString(s));
        }
        float[] t = new float[r.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = r[i * cols + j];
            }
        }
        String m = constant("resize_w", new long[] {cols, rows}, t);
        s[d - 1] = rows;
        return node("MatMul", new String[] {x, m}, s);
    }

    /** Zero {@code Pad} of the last two axes: (top, left, bottom, right). */
    public String pad(String x, long top, long left, long bottom, long right) {
        long[] s = shape(x);
        String pads = int64s("pads", 0, 0, top, left, 0, 0, bottom, right);
        s[2] += top + bottom;
        s[3] += left + right;
        return node("Pad", new String[] {x, pads}, s);
    }

    /**
     * Writes the model: the graph with the producer's name and version and {@code metadata} as
     * {@code metadata_props}.
     */
    public void write(OutputStream out, String producer, String version, Map<String, String> metadata)
            throws IOException {
        ProtoWriter head = new ProtoWriter()
                .int64(1, IR_VERSION)
                .string(2, producer)
                .string(3, version)
                .message(8, new ProtoWriter().string(1, "").int64(2, OPSET));
        for (Map.Entry<String, String> e : new LinkedHashMap<>(metadata).entrySet()) {
            head.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        head.writeTo(out);
        // the graph (field 7) is written in parts, without one more copy of the weights
        ProtoWriter nameField = new ProtoWriter().string(2, name);
        long len = (long) nodes.size() + nameField.size() + initialisers.size() + inputs.size() + outputs.size();
        if (len > Integer.MAX_VALUE) {
            throw new IOException("ONNX graph of " + len + " bytes exceeds protobuf's 2 GB limit");
        }
        ProtoWriter graphHead = new ProtoWriter(16);
        graphHead.lengthDelimitedHeader(7, len);
        graphHead.writeTo(out);
        nodes.writeTo(out);
        nameField.writeTo(out);
        initialisers.writeTo(out);
        inputs.writeTo(out);
        outputs.writeTo(out);
    }
}
