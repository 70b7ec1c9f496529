package org.infnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.UNetConfig;
import org.junit.jupiter.api.Test;

/** The bundled multi-class model is found by name, like the bundled Inf-Net, and not mistaken for one. */
class BundledMultiClassModelTest {

    @Test
    void bundledMultiClassModelLoadsByName() throws IOException {
        assertTrue(ModelLocator.available().contains(ModelLocator.DEFAULT_MULTICLASS), ModelLocator.available().toString());
        try (NetworkModel<MultiClassUNet> m = ModelLocator.open(ModelKind.UNET, null, Device.cpu())) {
            assertEquals(UNetConfig.COMPACT, m.descriptor().unet());
            assertTrue(m.descriptor().validation().containsKey("cv.ggo.meanDic"));
            assertTrue(m.descriptor().validation().containsKey("cv.consolidation.meanDic"));
        }
        IOException e = assertThrows(IOException.class, () -> ModelLocator.open(ModelKind.INFNET, ModelLocator.DEFAULT_MULTICLASS, Device.cpu()));
        assertTrue(e.getMessage().contains("not an Inf-Net"), e.getMessage());
    }
}
