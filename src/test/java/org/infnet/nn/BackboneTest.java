package org.infnet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Backbones report the channels and strides their features really have, so heads can size themselves. */
class BackboneTest {

    @ParameterizedTest
    @ValueSource(strings = {"infnet-res2net50", "infnet-compact"})
    void reportedStageChannelsAndStridesMatchTheFeatures(String arch) {
        try (NDManager m = NDManager.newBaseManager()) {
            Res2NetBackbone b = new Res2NetBackbone(InfNetConfig.preset(arch).backbone());
            b.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            b.initialize(m, DataType.FLOAT32, InfNet.inputShape(1, 128));
            NDList f = b.forward(new ParameterStore(m, false), new NDList(m.zeros(InfNet.inputShape(2, 128))), false);
            assertEquals(4, f.size());
            for (int i = 0; i < 4; i++) {
                assertEquals(b.stageChannels()[i], f.get(i).getShape().get(1), "channels of x" + (i + 1));
                assertEquals(128 / b.stageStrides()[i], f.get(i).getShape().get(2), "height of x" + (i + 1));
            }
        }
    }
}
