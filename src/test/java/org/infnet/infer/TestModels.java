package org.infnet.infer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import org.infnet.model.InfNetModel;
import org.infnet.model.ModelDescriptor;
import org.infnet.nn.InfNetConfig;

/** Model folders for tests that exercise the plumbing rather than accuracy. */
public final class TestModels {

    private TestModels() {}

    /** Writes a randomly initialised (seeded) compact model folder to {@code dir} and returns it. */
    public static Path randomCompact(Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(7);
        ModelDescriptor d = ModelDescriptor.create("test-random", InfNetConfig.COMPACT);
        try (InfNetModel m = InfNetModel.create(d, Device.cpu())) {
            m.save(dir, d);
        }
        return dir;
    }

    /**
     * Like {@link #randomCompact} but for 64x64 network input instead of 352x352: about 30 times less
     * work per slice, for tests of plumbing that run many slices.
     */
    public static Path randomCompactSmallInput(Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(7);
        ModelDescriptor c = ModelDescriptor.create("test-random-64", InfNetConfig.COMPACT);
        ModelDescriptor d = new ModelDescriptor(c.format(), c.name(), c.network(), 64, c.normalisation(), c.input(),
                c.outputs(), c.weights(), c.provenance(), c.validation());
        try (InfNetModel m = InfNetModel.create(d, Device.cpu())) {
            m.save(dir, d);
        }
        return dir;
    }
}
