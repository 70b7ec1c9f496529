package org.infnet.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX {@code ModelProto} read into editable parts, as far as graph rewrites ({@link OnnxQuantizer}) need:
 * the graph's nodes (inputs, outputs, name, operator, domain; attributes kept as encoded), its initialisers
 * (dimensions, element type, raw little-endian data), and its inputs and outputs (kept as encoded
 * {@code ValueInfoProto}s, with their names). Everything else of the model (IR version, operator sets, producer,
 * metadata) and of the graph is copied unchanged by {@link #toBytes}. Not a general ONNX reader: subgraphs,
 * external data and typed data fields other than {@code float_data} are not supported.
 */
final class OnnxModel {

    /** ONNX element types used here. */
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int FLOAT16 = 10;
    static final int BFLOAT16 = 16;

    /** A node; {@code attributes} are encoded {@code AttributeProto}s. */
    static final class Node {
        final List<String> inputs;
        final List<String> outputs;
        String name;
        final String op;
        String domain;
        final List<byte[]> attributes;

        Node(List<String> inputs, List<String> outputs, String name, String op, String domain,
                List<byte[]> attributes) {
            this.inputs = new ArrayList<>(inputs);
            this.outputs = new ArrayList<>(outputs);
            this.name = name;
            this.op = op;
            this.domain = domain;
            this.attributes = new ArrayList<>(attributes);
        }

        /** A new node without attributes. */
        static Node of(String op, String name, List<String> inputs, List<String> outputs) {
            return new Node(inputs, outputs, name, op, "", List.of());
        }

        /** Adds an integer attribute. */
        Node intAttribute(String key, long v) {
            attributes.add(new ProtoWriter().string(1, key).int64(3, v).int64(20, 2).toByteArray());
            return this;
        }

        /** Adds an integer-list attribute. */
        Node intsAttribute(String key, long... v) {
            ProtoWriter a = new ProtoWriter().string(1, key);
            for (long x : v) {
                a.int64(8, x);
            }
            attributes.add(a.int64(20, 7).toByteArray());
            return this;
        }

        /** The integer or integer-list attribute {@code key} (empty when absent). */
        long[] ints(String key) {
            for (byte[] a : attributes) {
                ProtoReader r = new ProtoReader(a);
                String n = null;
                List<Long> v = new ArrayList<>();
                while (r.next()) {
                    if (r.field() == 1) {
                        n = r.string();
                    } else if ((r.field() == 3 || r.field() == 8) && r.wire() == 0) {
                        v.add(r.varint());
                    } else if (r.field() == 8 && r.wire() == 2) {
                        ProtoReader p = r.message();
                        while (p.next()) {
                            v.add(p.varint());
                        }
                    } else {
                        r.skip();
                    }
                }
                if (key.equals(n)) {
                    return v.stream().mapToLong(Long::longValue).toArray();
                }
            }
            return new long[0];
        }

        ProtoWriter proto() {
            ProtoWriter p = new ProtoWriter();
            for (String i : inputs) {
                p.string(1, i);
            }
            for (String o : outputs) {
                p.string(2, o);
            }
            if (name != null) {
                p.string(3, name);
            }
            p.string(4, op);
            for (byte[] a : attributes) {
                p.bytes(5, a);
            }
            if (domain != null && !domain.isEmpty()) {
                p.string(7, domain);
            }
            return p;
        }
    }

    /** An initialiser: dimensions, element type and raw little-endian data. */
    record Tensor(String name, long[] dims, int type, byte[] raw) {
        /** The values of a float tensor. */
        float[] floats() {
            if (type != FLOAT) {
                throw new IllegalStateException(name + " is not a float tensor");
            }
            float[] v = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }

        static Tensor ofFloats(String name, long[] dims, float[] v) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            return new Tensor(name, dims, FLOAT, b.array());
        }

        static Tensor ofInts(String name, long[] dims, int[] v) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(v);
            return new Tensor(name, dims, INT32, b.array());
        }

        ProtoWriter proto() {
            ProtoWriter t = new ProtoWriter(raw.length + 64);
            for (long d : dims) {
                t.int64(1, d);
            }
            return t.int64(2, type).string(8, name).bytes(9, raw);
        }
    }

    /** An encoded {@code ValueInfoProto} and its name. */
    record Value(String name, byte[] encoded) {
        /** A value of element type {@code type} without a shape. */
        static Value of(String name, int type) {
            ProtoWriter tensor = new ProtoWriter().int64(1, type);
            return new Value(name, new ProtoWriter().string(1, name)
                    .message(2, new ProtoWriter().message(1, tensor)).toByteArray());
        }
    }

    private final byte[] modelFields;
    private byte[] graphFields = new byte[0];
    String graphName;
    final List<Node> nodes = new ArrayList<>();
    final Map<String, Tensor> initialisers = new LinkedHashMap<>();
    final List<Value> inputs = new ArrayList<>();
    final List<Value> outputs = new ArrayList<>();

    private OnnxModel(byte[] modelFields) {
        this.modelFields = modelFields;
    }

    /** Reads an encoded {@code ModelProto}. */
    static OnnxModel parse(byte[] bytes) {
        ProtoWriter model = new ProtoWriter();
        ProtoReader graph = null;
        ProtoReader r = new ProtoReader(bytes);
        while (r.next()) {
            if (r.field() == 7 && r.wire() == 2) {
                graph = r.message();
            } else {
                model.raw(r.rawField());
            }
        }
        if (graph == null) {
            throw new IllegalArgumentException("not an ONNX model: no graph");
        }
        ProtoWriter other = new ProtoWriter();
        OnnxModel m = new OnnxModel(model.toByteArray());
        ProtoReader g = graph;
        while (g.next()) {
            switch (g.field()) {
                case 1 -> m.nodes.add(node(g.message()));
                case 2 -> m.graphName = g.string();
                case 5 -> {
                    Tensor t = tensor(g.message());
                    m.initialisers.put(t.name(), t);
                }
                case 11 -> m.inputs.add(value(g.bytes()));
                case 12 -> m.outputs.add(value(g.bytes()));
                case 13 -> g.skip(); // value_info: shapes are inferred again
                default -> other.raw(g.rawField());
            }
        }
        m.graphFields = other.toByteArray();
        return m;
    }

    private static Node node(ProtoReader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        List<byte[]> attrs = new ArrayList<>();
        String name = null;
        String op = null;
        String domain = "";
        while (r.next()) {
            switch (r.field()) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> attrs.add(r.bytes());
                case 7 -> domain = r.string();
                default -> r.skip();
            }
        }
        return new Node(in, out, name, op, domain, attrs);
    }

    private static Tensor tensor(ProtoReader r) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = null;
        byte[] raw = null;
        ByteArrayOutputStream floats = new ByteArrayOutputStream();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    if (r.wire() == 2) {
                        ProtoReader p = r.message();
                        while (p.next()) {
                            dims.add(p.varint());
                        }
                    } else {
                        dims.add(r.varint());
                    }
                }
                case 2 -> type = (int) r.varint();
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 4 -> { // float_data, packed or not
                    if (r.wire() == 2) {
                        floats.writeBytes(r.bytes());
                    } else {
                        int v = r.fixed32();
                        floats.write(v);
                        floats.write(v >>> 8);
                        floats.write(v >>> 16);
                        floats.write(v >>> 24);
                    }
                }
                case 14 -> throw new IllegalArgumentException("external tensor data is not supported");
                default -> r.skip();
            }
        }
        if (raw == null) {
            if (type != FLOAT) {
                throw new IllegalArgumentException("initialiser " + name + ": only raw data or float_data supported");
            }
            raw = floats.toByteArray();
        }
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
        }
        return new Tensor(name, d, type, raw);
    }

    private static Value value(byte[] encoded) {
        ProtoReader r = new ProtoReader(encoded);
        while (r.next()) {
            if (r.field() == 1) {
                return new Value(r.string(), encoded);
            }
            r.skip();
        }
        throw new IllegalArgumentException("value without a name");
    }

    /** The node that produces each value. */
    Map<String, Node> producers() {
        Map<String, Node> p = new LinkedHashMap<>();
        for (Node n : nodes) {
            for (String o : n.outputs) {
                p.put(o, n);
            }
        }
        return p;
    }

    /** The nodes that read each value (a node reading a value twice appears twice). */
    Map<String, List<Node>> consumers() {
        Map<String, List<Node>> c = new LinkedHashMap<>();
        for (Node n : nodes) {
            for (String i : n.inputs) {
                c.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        return c;
    }

    /** The names of the graph's outputs. */
    List<String> outputNames() {
        return outputs.stream().map(Value::name).toList();
    }

    /** The model, encoded. */
    byte[] toBytes() {
        ProtoWriter g = new ProtoWriter(1 << 20);
        for (Node n : nodes) {
            g.message(1, n.proto());
        }
        if (graphName != null) {
            g.string(2, graphName);
        }
        for (Tensor t : initialisers.values()) {
            g.message(5, t.proto());
        }
        for (Value v : inputs) {
            g.bytes(11, v.encoded());
        }
        for (Value v : outputs) {
            g.bytes(12, v.encoded());
        }
        g.raw(graphFields);
        ByteArrayOutputStream out = new ByteArrayOutputStream(g.size() + modelFields.length + 16);
        try {
            new ProtoWriter().raw(modelFields).writeTo(out);
            ProtoWriter head = new ProtoWriter(16);
            head.lengthDelimitedHeader(7, g.size());
            head.writeTo(out);
            g.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
