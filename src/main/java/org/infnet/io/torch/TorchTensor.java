package org.infnet.io.torch;

import java.util.Arrays;

/**
 * One tensor of a PyTorch checkpoint, converted to contiguous row-major float32.
 *
 * @param dtype the stored element type ({@code float32}, {@code float16}, {@code bfloat16}, {@code int64}, ...)
 * @param shape dimensions (empty for a scalar)
 * @param data values in row-major (C) order
 */
public record TorchTensor(String dtype, long[] shape, float[] data) {

    /** Whether the stored element type is a floating-point type. */
    public boolean isFloatingPoint() {
        return dtype.startsWith("float") || dtype.equals("bfloat16");
    }

    /** Number of values. */
    public long size() {
        return data.length;
    }

    /** The shape as {@code 32x3x3x3} ({@code scalar} for 0-d). */
    public String shapeString() {
        return shapeString(shape);
    }

    /** A shape as {@code 32x3x3x3} ({@code scalar} for 0-d). */
    public static String shapeString(long[] shape) {
        return shape.length == 0 ? "scalar" : String.join("x", Arrays.stream(shape).mapToObj(Long::toString).toList());
    }

    /** IEEE half precision bits to float. */
    public static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f; // subnormal: mant * 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** bfloat16 bits to float. */
    public static float bfloat16ToFloat(int b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
