package org.infnet.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A half-precision variant of a float ONNX model, for trying ONNX Runtime's fp16 / bf16 kernels: every float
 * initialiser stored as {@code float16} or {@code bfloat16} (round to nearest even), the float inputs cast to that
 * type by a {@code Cast} node and the outputs cast back to float (inputs and outputs keep their float interface).
 */
final class OnnxCast {

    private OnnxCast() {}

    /** {@code model} computed in {@code type} ({@link OnnxModel#FLOAT16} or {@link OnnxModel#BFLOAT16}). */
    static byte[] cast(byte[] model, int type) {
        if (type != OnnxModel.FLOAT16 && type != OnnxModel.BFLOAT16) {
            throw new IllegalArgumentException("type " + type);
        }
        OnnxModel m = OnnxModel.parse(model);
        for (var e : m.initialisers.entrySet()) {
            OnnxModel.Tensor t = e.getValue();
            if (t.type() == OnnxModel.FLOAT) {
                float[] v = t.floats();
                ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    b.putShort(type == OnnxModel.BFLOAT16 ? bf16(f) : fp16(f));
                }
                e.setValue(new OnnxModel.Tensor(t.name(), t.dims(), type, b.array()));
            }
        }
        Set<String> outs = new HashSet<>(m.outputNames());
        for (OnnxModel.Node n : m.nodes) {
            for (int i = 0; i < n.inputs.size(); i++) {
                for (OnnxModel.Value in : m.inputs) {
                    if (n.inputs.get(i).equals(in.name())) {
                        n.inputs.set(i, in.name() + "_half");
                    }
                }
            }
            for (int i = 0; i < n.outputs.size(); i++) {
                if (outs.contains(n.outputs.get(i))) {
                    n.outputs.set(i, n.outputs.get(i) + "_half");
                }
            }
        }
        for (OnnxModel.Value in : m.inputs) {
            m.nodes.add(0, OnnxModel.Node.of("Cast", in.name() + "_Cast", List.of(in.name()),
                    List.of(in.name() + "_half")).intAttribute("to", type));
        }
        for (String o : m.outputNames()) {
            m.nodes.add(OnnxModel.Node.of("Cast", o + "_Cast", List.of(o + "_half"), List.of(o))
                    .intAttribute("to", OnnxModel.FLOAT));
        }
        return m.toBytes();
    }

    /** bfloat16 bits of {@code f}, rounded to nearest even. */
    static short bf16(float f) {
        int b = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) 0x7FC0;
        }
        return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
    }

    /** IEEE half bits of {@code f}, rounded to nearest even (overflow to infinity, subnormals kept). */
    static short fp16(float f) {
        int b = Float.floatToRawIntBits(f);
        int sign = (b >>> 16) & 0x8000;
        int exp = ((b >>> 23) & 0xFF) - 127 + 15;
        int mant = b & 0x7FFFFF;
        if (((b >>> 23) & 0xFF) == 0xFF) {
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 : 0));
        }
        if (exp >= 31) {
            return (short) (sign | 0x7C00);
        }
        if (exp <= 0) {
            if (exp < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - exp;
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int h = sign | (exp << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1)) {
            h++;
        }
        return (short) h;
    }
}
