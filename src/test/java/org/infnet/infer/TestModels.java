package org.infnet.infer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import org.infnet.model.InfNetModel;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.MultiClassModel;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.Res2NetConfig;
import org.infnet.nn.UNetConfig;

/** Model folders for tests that exercise the plumbing rather than accuracy. */
public final class TestModels {

    private TestModels() {}

    /** A U-Net of base width 4 (multi-class pipeline tests). */
    public static final UNetConfig TINY_UNET = new UNetConfig("multiclass-unet-tiny", 6, 3, 4);

    /** Writes a randomly initialised (seeded) compact model folder to {@code dir} and returns it. */
    public static Path randomCompact(Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(7);
        ModelDescriptor d = ModelDescriptor.create("test-random", InfNetConfig.COMPACT);
        try (InfNetModel m = InfNetModel.create(d, Device.cpu())) {
            m.save(dir, d);
        }
        return dir;
    }

    /** Writes a randomly initialised (seeded) Inf-Net with every head on a very narrow backbone, input 64. */
    public static Path randomTinyInfNet(Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(7);
        InfNetConfig tiny = new InfNetConfig("infnet-tiny",
                new Res2NetConfig(8, new int[] {1, 1, 1, 1}, new int[] {8, 16, 16, 16}, 26, 4), 8, 8, 8, 8);
        ModelDescriptor c = ModelDescriptor.create("tiny-infnet", tiny);
        ModelDescriptor d = new ModelDescriptor(c.format(), c.name(), c.network(), 64, c.normalisation(), c.input(),
                c.outputs(), c.weights(), c.provenance(), c.validation());
        try (InfNetModel m = InfNetModel.create(d, Device.cpu())) {
            m.save(dir, d);
        }
        return dir;
    }

    /** Writes a randomly initialised (seeded) {@link #TINY_UNET} folder with input side 32. */
    public static Path randomTinyUNet(Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(7);
        ModelDescriptor d = ModelDescriptor.create("tiny-unet", TINY_UNET).withInputSize(32);
        try (MultiClassModel m = MultiClassModel.create(d, Device.cpu())) {
            m.save(dir, d);
        }
        return dir;
    }
}
