package org.infnet.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import org.infnet.command.SegmentGgoConsolidation;
import org.junit.jupiter.api.Test;

class LesionLutTest {

    @Test
    void labelOutputsGetTheClassColours() {
        ImagePlus imp = new ImagePlus("labels", new ByteProcessor(4, 1, new byte[] {0, 1, 2, 0}));
        ImageBridge.applyLut(imp, SegmentGgoConsolidation.LESION_LUT);
        var cm = (java.awt.image.IndexColorModel) imp.getProcessor().getColorModel();
        assertEquals(0xff0000, cm.getRGB(1) & 0xffffff);
        assertEquals(0x00ff00, cm.getRGB(2) & 0xffffff);
        assertEquals(0x000000, cm.getRGB(0) & 0xffffff);
        ImagePlus gray = new ImagePlus("mask", new ByteProcessor(4, 1, new byte[] {0, 1, 2, 0}));
        ImageBridge.applyLut(gray, null);
        assertEquals(0x010101, ((java.awt.image.IndexColorModel) gray.getProcessor().getColorModel()).getRGB(1) & 0xffffff);
    }
}
