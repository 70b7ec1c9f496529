package org.infnet.onnx;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.infnet.nn.InfNet;
import org.infnet.nn.Layers;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.Resize;

/**
 * Writes the project's networks as ONNX models (see {@link OnnxGraph}), computing what their Java inference pass
 * computes on {@link org.infnet.nn.FrozenWeights}: every batch norm folded into the convolution before it (in float,
 * as {@code FrozenWeights} folds), the same fused convolutions (a stage {@code Bottle2neck}'s groups and pooling as one
 * grouped convolution, a receptive-field block's five 1x1 heads as one convolution), {@code BasicConv2d} without a
 * ReLU, PyTorch's pooling modes, and every bilinear resize as the same matrix products with the same interpolation
 * matrices ({@link Resize#matrix}) stored as initialisers.
 *
 * <p>The spatial size is fixed when exporting (the model's input side); the batch dimension is dynamic ({@code N}).
 * Graphs:
 * <ul>
 *   <li>Inf-Net: input {@code input} (N, 3, side, side), the normalised slices; outputs {@code map2} (lateral map 2,
 *       the segmentation logits) and {@code edge} (edge logits), each (N, 1, side, side) — the values of
 *       {@link InfNet#segment} with edges;</li>
 *   <li>multi-class U-Net: input {@code input} (N, inChannels, side, side); output {@code logits}
 *       (N, classes, side, side).</li>
 * </ul>
 * Reads the parameters of an initialised network; does not change it.
 */
public final class OnnxExport {

    /** Version of this exporter, recorded in every model's metadata (a changed exporter makes old files stale). */
    public static final String VERSION = "1";

    private final OnnxGraph g;

    private OnnxExport(String name) {
        g = new OnnxGraph(name);
    }

    /**
     * Exports {@code net} (an {@link InfNet} or a {@link MultiClassUNet}, initialised) for square inputs of side
     * {@code side} to {@code out}, with {@code metadata} as the model's metadata properties.
     *
     * @throws IllegalArgumentException for another network, or a side the network does not accept
     */
    public static void write(Block net, int side, OutputStream out, Map<String, String> metadata) throws IOException {
        build(net, side).write(out, "infnet-fiji", VERSION, metadata);
    }

    /** The graph of {@code net} at input side {@code side}, as {@link #write} writes it. */
    static OnnxGraph build(Block net, int side) {
        if (net instanceof InfNet n) {
            if (side <= 0 || side % 32 != 0) {
                throw new IllegalArgumentException("Inf-Net input side must be a positive multiple of 32, got " + side);
            }
            OnnxExport e = new OnnxExport(n.config().architecture());
            e.infNet(n, side);
            return e.g;
        }
        if (net instanceof MultiClassUNet u) {
            if (side < 16) {
                throw new IllegalArgumentException("U-Net input side must be at least 16, got " + side);
            }
            OnnxExport e = new OnnxExport(u.config().architecture());
            e.unet(u, side);
            return e.g;
        }
        throw new IllegalArgumentException("no ONNX export for " + net.getClass().getName());
    }

    // ---- block tree access ----

    /** Child {@code name} of {@code b} (DJL keeps children under a two-digit prefix). */
    static Block child(Block b, String name) {
        for (var c : b.getChildren()) {
            if (c.getKey().substring(2).equals(name)) {
                return c.getValue();
            }
        }
        throw new IllegalStateException(b.getClass().getSimpleName() + " has no child " + name);
    }

    static boolean hasChild(Block b, String name) {
        for (var c : b.getChildren()) {
            if (c.getKey().substring(2).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static float[] values(Block b, String param) {
        Parameter p = b.getParameters().get(param);
        return p.getArray().toFloatArray();
    }

    private static long[] weightShape(Block conv) {
        Shape s = conv.getParameters().get("weight").getArray().getShape();
        return s.getShape();
    }

    /** A convolution and the batch norm after it, folded as {@code FrozenWeights} folds them. */
    private record Folded(Convolution conv, long[] shape, float[] weight, float[] bias) {}

    private static Folded fold(Block conv, Block bn) {
        long[] ws = weightShape(conv);
        float[] w = values(conv, "weight");
        float[] gamma = values(bn, "gamma");
        float[] beta = values(bn, "beta");
        float[] mean = values(bn, "runningMean");
        float[] var = values(bn, "runningVar");
        float[] cb = hasBias(conv) ? values(conv, "bias") : null;
        int out = (int) ws[0];
        int per = w.length / out;
        float[] fw = new float[w.length];
        float[] fb = new float[out];
        for (int o = 0; o < out; o++) {
            float s = gamma[o] / (float) Math.sqrt(var[o] + Layers.BN_EPSILON);
            for (int i = 0; i < per; i++) {
                fw[o * per + i] = w[o * per + i] * s;
            }
            float b = beta[o] - mean[o] * s;
            fb[o] = cb == null ? b : b + cb[o] * s;
        }
        return new Folded((Convolution) conv, ws, fw, fb);
    }

    private static boolean hasBias(Block conv) {
        return conv.getParameters().contains("bias") && conv.getParameters().get("bias").getArray() != null;
    }

    private static int stride(Convolution c) {
        return (int) c.getStride().get(0);
    }

    private String conv(String x, Folded f) {
        Convolution c = f.conv();
        return g.conv(x, f.shape(), f.weight(), f.bias(), stride(c), (int) c.getPadding().get(0),
                (int) c.getPadding().get(1), (int) c.getDilation().get(0), c.getGroups());
    }

    /** A plain convolution (no batch norm after it), with its bias when it has one. */
    private String plainConv(String x, Block conv) {
        Convolution c = (Convolution) conv;
        return conv(x, new Folded(c, weightShape(conv), values(conv, "weight"),
                hasBias(conv) ? values(conv, "bias") : null));
    }

    /** Stacks folds of the same input along the output channels (as {@code FrozenWeights.stack}). */
    private static Folded stack(List<Folded> parts) {
        long out = 0;
        int n = 0;
        for (Folded f : parts) {
            out += f.shape()[0];
            n += f.weight().length;
        }
        float[] w = new float[n];
        float[] b = new float[(int) out];
        int wi = 0;
        int bi = 0;
        for (Folded f : parts) {
            System.arraycopy(f.weight(), 0, w, wi, f.weight().length);
            System.arraycopy(f.bias(), 0, b, bi, f.bias().length);
            wi += f.weight().length;
            bi += f.bias().length;
        }
        long[] s = parts.get(0).shape().clone();
        s[0] = out;
        return new Folded(parts.get(0).conv(), s, w, b);
    }

    /** {@code BasicConv2d}: the folded convolution, no ReLU. */
    private String basic(Block b, String x) {
        return conv(x, basicFold(b));
    }

    private static Folded basicFold(Block b) {
        return fold(child(b, "conv"), child(b, "bn"));
    }

    private String relu(String x) {
        return g.unary("Relu", x);
    }

    /** {@link Resize#scale}: the same matrices, along H then W (identity axes skipped). */
    private String scale(String x, double s, boolean alignCorners) {
        long[] sh = g.shape(x);
        int h = (int) sh[2];
        int w = (int) sh[3];
        return resize(x, (int) Math.floor(h * s), (int) Math.floor(w * s), alignCorners, s);
    }

    private String resize(String x, int oh, int ow, boolean alignCorners, double s) {
        long[] sh = g.shape(x);
        int h = (int) sh[2];
        int w = (int) sh[3];
        float[] rh = Resize.matrix(h, oh, alignCorners, s);
        float[] rw = Resize.matrix(w, ow, alignCorners, s);
        String y = x;
        if (oh != h || !Resize.isIdentity(rh, h)) {
            y = g.matMulConst(y, rh, oh, h, true);
        }
        if (ow != w || !Resize.isIdentity(rw, w)) {
            y = g.matMulConst(y, rw, ow, w, false);
        }
        return y;
    }

    // ---- Inf-Net ----

    private void infNet(InfNet net, int side) {
        String input = g.input("input", -1, 3, side, side);
        String[] f = backbone(child(net, "resnet"), input);
        String x2r = rfb(child(net, "rfb2_1"), f[1]);
        String x3r = rfb(child(net, "rfb3_1"), f[2]);
        String x4r = rfb(child(net, "rfb4_1"), f[3]);
        Block edge = child(net, "edge");
        String guidance = basic(child(edge, "conv3"), basic(child(edge, "conv2"), basic(child(edge, "conv1"), f[0])));
        String edgeLogits = basic(child(edge, "conv4"), guidance);
        String lateralEdge = scale(edgeLogits, 4, false);

        String sg = decoder(child(net, "ParDec"), x4r, x3r, x2r);
        String crop4 = scale(sg, 0.25, false);
        String s4 = reverse(child(net, "ra4"), f[3], crop4, scale(guidance, 1.0 / 8, false));
        String crop3 = scale(s4, 2, false);
        String s3 = reverse(child(net, "ra3"), f[2], crop3, scale(guidance, 1.0 / 4, false));
        String crop2 = scale(s3, 2, false);
        String s2 = reverse(child(net, "ra2"), f[1], crop2, scale(guidance, 1.0 / 2, false));
        String map2 = scale(s2, 8, false);
        g.output(rename(map2, "map2"));
        g.output(rename(lateralEdge, "edge"));
    }

    private String rename(String v, String name) {
        return g.identity(v, name);
    }

    private String[] backbone(Block b, String x) {
        x = relu(conv(x, fold(child(b, "conv1.0"), child(b, "conv1.1"))));
        x = relu(conv(x, fold(child(b, "conv1.3"), child(b, "conv1.4"))));
        x = conv(x, fold(child(b, "conv1.6"), child(b, "bn1")));
        x = relu(g.maxPool(x, 3, 2, 1)); // pooling before the ReLU, as the inference pass does
        String[] feats = new String[4];
        for (int l = 1; l <= 4; l++) {
            for (int k = 0; hasChild(b, "layer" + l + "." + k); k++) {
                x = bottle2neck(child(b, "layer" + l + "." + k), x, k == 0);
            }
            feats[l - 1] = x;
        }
        return feats;
    }

    private String bottle2neck(Block b, String x, boolean stage) {
        List<Block> convs = new ArrayList<>();
        List<Block> bns = new ArrayList<>();
        for (int i = 0; hasChild(b, "convs." + i); i++) {
            convs.add(child(b, "convs." + i));
            bns.add(child(b, "bns." + i));
        }
        int scale = convs.size() + 1;
        int stride = stride((Convolution) convs.get(0));
        String out = relu(conv(x, fold(child(b, "conv1"), child(b, "bn1"))));
        int width = (int) (g.shape(out)[1] / scale);
        String mid;
        if (stage) {
            // the groups and the pooling of the last group as one grouped convolution (Bottle2neck.fuse)
            List<Folded> parts = new ArrayList<>();
            for (int i = 0; i < convs.size(); i++) {
                parts.add(fold(convs.get(i), bns.get(i)));
            }
            float[] pool = new float[width * width * 9];
            for (int o = 0; o < width; o++) {
                for (int k = 0; k < 9; k++) {
                    pool[(o * width + o) * 9 + k] = 1f / 9f;
                }
            }
            parts.add(new Folded(parts.get(0).conv(), new long[] {width, width, 3, 3}, pool, new float[width]));
            Folded grouped = stack(parts);
            mid = relu(g.conv(out, grouped.shape(), grouped.weight(), grouped.bias(), stride, 1, 1, 1, scale));
        } else {
            long[] sizes = new long[scale];
            java.util.Arrays.fill(sizes, width);
            String[] spx = g.split(out, 1, sizes);
            String[] parts = new String[scale];
            String sp = null;
            for (int i = 0; i < scale - 1; i++) {
                sp = i == 0 ? spx[i] : g.binary("Add", sp, spx[i]);
                sp = relu(conv(sp, fold(convs.get(i), bns.get(i))));
                parts[i] = sp;
            }
            parts[scale - 1] = spx[scale - 1];
            mid = g.concat(1, parts);
        }
        String y = conv(mid, fold(child(b, "conv3"), child(b, "bn3")));
        String residual = x;
        if (hasChild(b, "downsample.1")) {
            String r = x;
            if (stride > 1) {
                r = g.avgPool(r, stride, stride, 0, true, false);
            }
            residual = conv(r, fold(child(b, "downsample.1"), child(b, "downsample.2")));
        }
        return relu(g.binary("Add", y, residual));
    }

    private String rfb(Block b, String x) {
        List<Folded> heads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            heads.add(basicFold(child(b, "branch" + i + ".0")));
        }
        heads.add(basicFold(child(b, "conv_res")));
        Folded first = stack(heads);
        String h = conv(x, first);
        long c = heads.get(0).shape()[0];
        String[] parts = g.split(h, 1, c, c, c, c, c);
        String[] cat = new String[4];
        for (int i = 0; i < 4; i++) {
            String y = parts[i];
            for (int j = 1; hasChild(b, "branch" + i + "." + j); j++) {
                y = basic(child(b, "branch" + i + "." + j), y);
            }
            cat[i] = y;
        }
        String fused = basic(child(b, "conv_cat"), g.concat(1, cat));
        return relu(g.binary("Add", fused, parts[4]));
    }

    private String decoder(Block b, String a, String bb, String d) {
        String upA = scale(a, 2, true);
        String b2 = g.binary("Mul", basic(child(b, "conv_upsample1"), upA), bb);
        String d2 = g.binary("Mul", g.binary("Mul", basic(child(b, "conv_upsample2"), scale(upA, 2, true)),
                basic(child(b, "conv_upsample3"), scale(bb, 2, true))), d);
        String e = basic(child(b, "conv_concat2"), g.concat(1, b2, basic(child(b, "conv_upsample4"), upA)));
        String f = basic(child(b, "conv_concat3"),
                g.concat(1, d2, basic(child(b, "conv_upsample5"), scale(e, 2, true))));
        return plainConv(basic(child(b, "conv4"), f), child(b, "conv5"));
    }

    private String reverse(Block b, String x, String gMap, String e) {
        String w = g.binary("Sub", g.scalar("one", 1f), g.unary("Sigmoid", gMap));
        String f = g.concat(1, basic(child(b, "conv1"), g.binary("Mul", x, w)), e);
        int n = 0;
        while (hasChild(b, "conv" + (n + 1))) {
            n++;
        }
        for (int i = 2; i < n; i++) {
            f = relu(basic(child(b, "conv" + i), f));
        }
        return g.binary("Add", basic(child(b, "conv" + n), f), gMap);
    }

    // ---- multi-class U-Net ----

    private void unet(MultiClassUNet net, int side) {
        String x = g.input("input", -1, net.config().inChannels(), side, side);
        String[] skips = new String[5];
        skips[0] = doubleConv(child(net, "inc"), x);
        for (int i = 1; i <= 4; i++) {
            skips[i] = doubleConv(child(net, "down" + i), g.maxPool(skips[i - 1], 2, 2, 0));
        }
        String y = skips[4];
        for (int k = 1; k <= 4; k++) {
            String skip = skips[4 - k];
            String u = scale(y, 2, true);
            long[] ss = g.shape(skip);
            long[] us = g.shape(u);
            long dy = ss[2] - us[2];
            long dx = ss[3] - us[3];
            if (dy < 0 || dx < 0) {
                throw new IllegalStateException("upsampled map larger than its skip at side " + side);
            }
            if (dy > 0 || dx > 0) {
                u = g.pad(u, dy / 2, dx / 2, dy - dy / 2, dx - dx / 2);
            }
            y = doubleConv(child(net, "up" + k), g.concat(1, skip, u));
        }
        String logits = plainConv(y, child(net, "outc"));
        g.output(rename(logits, "logits"));
    }

    private String doubleConv(Block b, String x) {
        String y = relu(conv(x, fold(child(b, "conv1"), child(b, "bn1"))));
        return relu(conv(y, fold(child(b, "conv2"), child(b, "bn2"))));
    }
}
