package org.infnet.infer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.MultiClassUNet;
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
        try (NetworkModel<InfNet> m = ModelKind.INFNET.create(d, Device.cpu())) {
            m.save(dir, d);
        }
        return dir;
    }

    /**
     * Like {@link #randomCompact} but for 64x64 network input instead of 352x352: about 30 times less
     * work per slice, for tests of plumbing that run many slices.
     */
    public static Path randomCompactSmallInput(Path dir) throws IOException {
        return random(dir, InfNetConfig.COMPACT, 64);
    }

    /** Every Inf-Net head on a very narrow backbone: loads and runs in milliseconds (command-line plumbing tests). */
    public static final InfNetConfig TINY = new InfNetConfig("infnet-tiny",
            new Res2NetConfig(8, new int[] {1, 1, 1, 1}, new int[] {8, 16, 16, 16}, 26, 4), 8, 8, 8, 8);

    /** A randomly initialised (seeded) {@link #TINY} model folder for 64x64 network input. */
    public static Path randomTiny(Path dir) throws IOException {
        return random(dir, TINY, 64);
    }

    private static Path random(Path dir, InfNetConfig config, int side) throws IOException {
        Engine.getInstance().setRandomSeed(7);
        ModelDescriptor c = ModelDescriptor.create("test-random-" + config.architecture() + "-" + side, config);
        ModelDescriptor d = new ModelDescriptor(c.format(), c.name(), c.network(), side, c.normalisation(), c.input(),
                c.outputs(), c.weights(), c.provenance(), c.validation());
        try (NetworkModel<InfNet> m = ModelKind.INFNET.create(d, Device.cpu())) {
            m.save(dir, d);
        }
        return dir;
    }

    /** Writes a randomly initialised (seeded) {@link #TINY_UNET} folder with input side 32. */
    public static Path randomTinyUNet(Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(7);
        ModelDescriptor d = ModelDescriptor.create("tiny-unet", TINY_UNET).withInputSize(32);
        try (NetworkModel<MultiClassUNet> m = ModelKind.UNET.create(d, Device.cpu())) {
            m.save(dir, d);
        }
        return dir;
    }
}
