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
}
