package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Bilinear resizing of (N, C, H, W) tensors with exactly PyTorch's {@code F.interpolate(...,
 * mode='bilinear')} semantics (no antialiasing), for both {@code align_corners} settings.
 *
 * <p>DJL's own interpolation cannot express these semantics on the PyTorch engine, so the resize is
 * written as two matrix products {@code R_h · x · R_wᵀ} with sparse interpolation matrices (for several
 * channels in the channels-last order, see {@link #applyChannelsLast}). Matrix products are
 * differentiable, so the resize works inside training. Results live in the manager of {@code x}.
 */
public final class Resize {

    private Resize() {}

    /**
     * Resizes by a scale factor, as {@code F.interpolate(x, scale_factor=s, mode='bilinear',
     * align_corners=a)}: output size {@code floor(in * s)}, and (for {@code align_corners=false}) the
     * source coordinate uses {@code 1/s} as the ratio, as PyTorch does when given a scale factor.
     */
    public static NDArray scale(NDArray x, double s, boolean alignCorners) {
        Shape sh = x.getShape();
        int h = (int) sh.get(2);
        int w = (int) sh.get(3);
        int oh = (int) Math.floor(h * s);
        int ow = (int) Math.floor(w * s);
        return apply(x, matrix(h, oh, alignCorners, s), matrix(w, ow, alignCorners, s), oh, ow);
    }

    /** Resizes to an explicit size, as {@code F.interpolate(x, size=(oh, ow), mode='bilinear', ...)}. */
    public static NDArray to(NDArray x, int oh, int ow, boolean alignCorners) {
        Shape sh = x.getShape();
        int h = (int) sh.get(2);
        int w = (int) sh.get(3);
        if (h == oh && w == ow) {
            return x;
        }
        return apply(x, matrix(h, oh, alignCorners, 0), matrix(w, ow, alignCorners, 0), oh, ow);
    }

    private static NDArray apply(NDArray x, float[] rh, float[] rw, int oh, int ow) {
        Shape sh = x.getShape();
        int h = (int) sh.get(2);
        int w = (int) sh.get(3);
        boolean alongW = ow != w || !isIdentity(rw, w);
        boolean alongH = oh != h || !isIdentity(rh, h);
        if (!alongW && !alongH) {
            return x;
        }
        return sh.get(1) > 1 ? applyChannelsLast(x, rh, rw, oh, ow, alongH, alongW)
                : applyPlanes(x, rh, rw, oh, ow, alongH, alongW);
    }

    /** One channel: {@code R_h · x · R_wᵀ} over the (H, W) planes. */
    private static NDArray applyPlanes(NDArray x, float[] rh, float[] rw, int oh, int ow, boolean alongH,
            boolean alongW) {
        Shape sh = x.getShape();
        int h = (int) sh.get(2);
        int w = (int) sh.get(3);
        NDManager m = x.getManager();
        NDArray y = x;
        if (alongW) {
            try (NDArray rwT = constant(m, transpose(rw, ow, w), new Shape(w, ow), x)) {
                y = x.matMul(rwT); // (.., H, W) x (W, OW): rwT[j][o] = rw[o][j]
            }
        }
        if (alongH) {
            try (NDArray rhA = constant(m, rh, new Shape(oh, h), x)) {
                NDArray z = rhA.matMul(y);
                if (y != x) {
                    y.close();
                }
                y = z;
            }
        }
        return y;
    }

    /**
     * Several channels, in the (N, H, W, C) order that channels-last tensors have in memory (the convolutions keep
     * that layout from layer to layer): along H as one product per image of {@code R_h} with the (H, W·C) matrix,
     * along W as products of {@code R_w} with (W, C) matrices, and the result handed back as an (N, C, OH, OW) view
     * of channels-last memory. A channels-last input is never reordered; an NCHW one is reordered once. Reordering a
     * channels-last map into NCHW for planar products, as the one-channel path would, cost more than the resize
     * itself (a [4, 32, 88, 88] map resized by 1/2, 1/4, 1/8 and convolved: 14 / 8 / 9.5 ms planar against 7 / 4 /
     * 2.7 ms in this order, one thread).
     */
    private static NDArray applyChannelsLast(NDArray x, float[] rh, float[] rw, int oh, int ow, boolean alongH,
            boolean alongW) {
        Shape sh = x.getShape();
        long n = sh.get(0);
        long c = sh.get(1);
        int h = (int) sh.get(2);
        int w = (int) sh.get(3);
        NDManager m = x.getManager();
        NDArray y = x.transpose(0, 2, 3, 1); // (N, H, W, C)
        int rows = h;
        if (alongH) {
            try (NDArray rhA = constant(m, rh, new Shape(oh, h), x); NDArray flat = y.reshape(n, h, w * c)) {
                y.close();
                y = rhA.matMul(flat); // (N, OH, W*C)
            }
            rows = oh;
        }
        if (alongW) {
            try (NDArray rwA = constant(m, rw, new Shape(ow, w), x); NDArray planes = y.reshape(n * rows, w, c)) {
                y.close();
                y = rwA.matMul(planes); // (N*OH, OW, C)
            }
        }
        try (NDArray nhwc = y.reshape(n, rows, alongW ? ow : w, c)) {
            y.close();
            return nhwc.transpose(0, 3, 1, 2);
        }
    }

    /**
     * An interpolation matrix in memory the engine owns ({@link EngineArrays}), on the device of {@code like}: the
     * matrix product saves its operands for the backward pass, so the matrix must not be memory that only the
     * garbage collector frees; closing its Java handle after the product is safe.
     */
    private static NDArray constant(NDManager m, float[] values, Shape shape, NDArray like) {
        NDArray a = EngineArrays.floats(m, values, shape);
        if (a.getDevice().equals(like.getDevice())) {
            return a;
        }
        try (a) {
            return a.toDevice(like.getDevice(), true);
        }
    }

    /** Whether {@code r} is the {@code n x n} identity matrix (a resize that changes nothing). */
    public static boolean isIdentity(float[] r, int n) {
        if (r.length != n * n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (r[i * n + j] != (i == j ? 1f : 0f)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /**
     * The (out x in) row-major interpolation matrix of one axis, PyTorch's {@code
     * upsample_bilinear2d} weights.
     *
     * @param in input length
     * @param out output length
     * @param alignCorners PyTorch's {@code align_corners}
     * @param scale the scale factor given to interpolate, or 0 when an explicit size was given (then
     *     the ratio is {@code in/out}); ignored when {@code alignCorners} is true
     */
    public static float[] matrix(int in, int out, boolean alignCorners, double scale) {
        float[] r = new float[out * in];
        double ratio;
        if (alignCorners) {
            ratio = out > 1 ? (in - 1) / (double) (out - 1) : 0;
        } else {
            ratio = scale > 0 ? 1.0 / scale : in / (double) out;
        }
        for (int o = 0; o < out; o++) {
            double src = alignCorners ? ratio * o : Math.max(ratio * (o + 0.5) - 0.5, 0);
            // PyTorch computes the coordinate in float for float tensors
            float srcF = (float) src;
            int i0 = Math.min((int) srcF, in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            float l1 = srcF - i0;
            float l0 = 1f - l1;
            r[o * in + i0] += l0;
            r[o * in + i1] += l1;
        }
        return r;
    }
}
