package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Res2Net v1b backbone (deep 3-conv stem, average-pool downsampling shortcuts) with configurable depth
 * and width. {@link Res2NetConfig#RES2NET50_26W4S} is the paper's backbone; smaller configurations give
 * the compact CPU backbone. Child names follow the original module paths ({@code conv1.0}, {@code
 * bn1}, {@code layer1.0.convs.0}, ...).
 */
public final class Res2NetBackbone extends CompositeBlock implements Backbone {

    private final Res2NetConfig config;
    private final Block[] stem;
    private final Block bn1;
    private final List<List<Block>> layers = new ArrayList<>();

    /** Builds the backbone described by {@code config}. */
    public Res2NetBackbone(Res2NetConfig config) {
        this.config = config;
        int sw = config.stemWidth();
        stem = new Block[] {
            addChildBlock("conv1.0", Layers.conv(sw, 3, 2, 1, false)),
            addChildBlock("conv1.1", Layers.batchNorm()),
            addChildBlock("conv1.3", Layers.conv(sw, 3, 1, 1, false)),
            addChildBlock("conv1.4", Layers.batchNorm()),
            addChildBlock("conv1.6", Layers.conv(2 * sw, 3, 1, 1, false)),
        };
        bn1 = addChildBlock("bn1", Layers.batchNorm());
        pairConvBn(stem[0], stem[1]);
        pairConvBn(stem[2], stem[3]);
        pairConvBn(stem[4], bn1);
        int inplanes = 2 * sw;
        for (int l = 0; l < 4; l++) {
            int planes = config.planes()[l];
            int stride = l == 0 ? 1 : 2;
            List<Block> blocks = new ArrayList<>();
            for (int b = 0; b < config.blocks()[l]; b++) {
                boolean first = b == 0;
                boolean down = first && (stride != 1 || inplanes != planes * 4);
                blocks.add(addChildBlock(
                        "layer" + (l + 1) + "." + b,
                        new Bottle2neck(planes, config.baseWidth(), config.scale(), first ? stride : 1, first, down)));
            }
            inplanes = planes * 4;
            layers.add(blocks);
        }
    }

    /** The configuration this backbone was built from. */
    public Res2NetConfig config() {
        return config;
    }

    @Override
    public int[] stageChannels() {
        int[] c = new int[4];
        for (int i = 0; i < 4; i++) {
            c[i] = config.planes()[i] * 4;
        }
        return c;
    }

    @Override
    public int[] stageStrides() {
        return new int[] {4, 8, 16, 32};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.head();
        x = Activation.relu(convBn(stem[0], stem[1], ps, x, training));
        x = Activation.relu(convBn(stem[2], stem[3], ps, x, training));
        x = convBn(stem[4], bn1, ps, x, training);
        if (training) {
            x = Pool.maxPool2d(Activation.relu(x), new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        } else {
            // ReLU and max pooling commute (both monotone): pooling first leaves the ReLU a quarter of the values
            x = Activation.relu(Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false));
        }
        NDList feats = new NDList(4);
        for (List<Block> layer : layers) {
            for (Block b : layer) {
                x = call(b, ps, x, training);
            }
            feats.add(x);
        }
        return feats;
    }
}
