package org.infnet.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.training.initializer.Initializer;

/**
 * Measurement of a network from outside its blocks: a visitor over the block tree that adds up the convolution
 * multiply-adds per sample. Every block of an Inf-Net is initialised with the shape of the input it actually
 * receives ({@link CompositeBlock}'s lazy dry run), so a convolution's cost follows from its recorded input shape,
 * its output shape and its weight: output values per sample x (input channels / groups x kernel area). Resizes and
 * element-wise operations are not counted (below 1 % of the total for every Inf-Net configuration).
 */
public final class MacCount {

    private MacCount() {}

    /** Multiply-adds per sample of the initialised {@code block} at the input shape it was initialised with. */
    public static long of(Block block) {
        long macs = 0;
        if (block instanceof Convolution c) {
            Shape out = c.getOutputShapes(c.getInputShapes())[0];
            Shape w = c.getParameters().get("weight").getArray().getShape();
            macs += out.size() / out.get(0) * (w.size() / w.get(0));
        }
        for (Block child : block.getChildren().values()) {
            macs += of(child);
        }
        return macs;
    }

    /** Trainable values and multiply-adds per sample of a network of {@code config} on a {@code side}^2 slice. */
    public static long[] of(InfNetConfig config, int side) {
        try (NDManager m = NDManager.newBaseManager()) {
            InfNet net = new InfNet(config);
            net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            net.initialize(m, DataType.FLOAT32, InfNet.inputShape(1, side));
            long params = net.getParameters().values().stream().filter(Parameter::requiresGradient)
                    .mapToLong(p -> p.getArray().size()).sum();
            return new long[] {params, of(net)};
        }
    }
}
