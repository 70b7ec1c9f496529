package org.infnet.engine;

/**
 * A plain Java 2-D convolution (PyTorch's {@code conv2d} semantics: cross-correlation, zero padding, stride,
 * dilation, groups) with its backward pass, in double precision: the oracle of {@link EngineSelfCheck}.
 * Arrays are row-major NCHW; weights {@code [out, in/groups, kh, kw]}.
 *
 * @param c input channels
 * @param o output channels
 * @param k kernel size (square)
 * @param stride stride
 * @param pad zero padding on each side
 * @param dilation dilation
 * @param groups groups (dividing {@code c} and {@code o})
 */
record ReferenceConvolution(int c, int o, int k, int stride, int pad, int dilation, int groups) {

    ReferenceConvolution {
        if (c % groups != 0 || o % groups != 0) {
            throw new IllegalArgumentException("groups " + groups + " do not divide " + c + " and " + o);
        }
    }

    /** Output height (or width) for input height {@code h}. */
    int out(int h) {
        return (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
    }

    /** One product of the convolution: input index, weight index, output index. */
    @FunctionalInterface
    private interface Tap {
        void at(int xi, int wi, int yi);
    }

    /** Visits every (input, weight, output) product of a convolution of {@code [n, c, h, w]} input. */
    private void taps(int n, int h, int w, Tap tap) {
        int ho = out(h);
        int wo = out(w);
        int cg = c / groups;
        int og = o / groups;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        int yi = ((b * o + oc) * ho + i) * wo + j;
                        for (int ic = 0; ic < cg; ic++) {
                            int xc = g * cg + ic;
                            for (int u = 0; u < k; u++) {
                                int yy = i * stride - pad + u * dilation;
                                if (yy < 0 || yy >= h) {
                                    continue;
                                }
                                for (int v = 0; v < k; v++) {
                                    int xx = j * stride - pad + v * dilation;
                                    if (xx >= 0 && xx < w) {
                                        tap.at(((b * c + xc) * h + yy) * w + xx, ((oc * cg + ic) * k + u) * k + v, yi);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code conv2d(x, w, bias)} for {@code x} of shape {@code [n, c, h, w]}. */
    double[] forward(float[] x, float[] wt, float[] bias, int n, int h, int w) {
        int plane = out(h) * out(w);
        double[] y = new double[n * o * plane];
        if (bias != null) {
            for (int i = 0; i < y.length; i++) {
                y[i] = bias[(i / plane) % o];
            }
        }
        taps(n, h, w, (xi, wi, yi) -> y[yi] += (double) x[xi] * wt[wi]);
        return y;
    }

    /**
     * The gradients of {@code sum(conv2d(x, w) * gy)}: {@code [0]} with respect to {@code x}, {@code [1]} with
     * respect to the weight.
     */
    double[][] backward(float[] x, float[] wt, float[] gy, int n, int h, int w) {
        double[] gx = new double[x.length];
        double[] gw = new double[wt.length];
        taps(n, h, w, (xi, wi, yi) -> {
            gx[xi] += (double) gy[yi] * wt[wi];
            gw[wi] += (double) gy[yi] * x[xi];
        });
        return new double[][] {gx, gw};
    }
}
