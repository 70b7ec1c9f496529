package org.infnet.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.infer.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

class MultiClassCommandTest {

    @TempDir
    Path dir;

    @Test
    void segmentGgoAndConsolidationRunsThroughTheCommandService() throws Exception {
        Path unet = TestModels.randomTinyUNet(dir.resolve("mc"));
        Path inf = TestModels.randomTiny(dir.resolve("inf"));
        Img<UnsignedByteType> img = ArrayImgs.unsignedBytes(50, 40);
        var c = img.localizingCursor();
        while (c.hasNext()) {
            c.fwd();
            c.get().set(c.getIntPosition(0) * 4);
        }
        try (Context ctx = new Context(CommandService.class, InfNetService.class)) {
            CommandService cs = ctx.service(CommandService.class);
            assertEquals(SegmentGgoConsolidation.LESION_LUT,
                    cs.getCommand(SegmentGgoConsolidation.class).getOutput("labels").get("lut"));
            org.scijava.module.Module m = RunCommand.run(ctx, SegmentGgoConsolidation.class, Map.of("image", img, "model", unet.toString(), "infection", inf.toString()));
            @SuppressWarnings("unchecked")
            Img<UnsignedByteType> labels = (Img<UnsignedByteType>) m.getOutput("labels");
            assertArrayEquals(new long[] {50, 40}, labels.dimensionsAsLongArray());
            for (UnsignedByteType t : labels) {
                assertTrue(t.get() <= 2);
            }
            for (String k : new String[] {"ggo", "consolidation"}) {
                @SuppressWarnings("unchecked")
                Img<FloatType> p = (Img<FloatType>) m.getOutput(k);
                assertArrayEquals(new long[] {50, 40}, p.dimensionsAsLongArray());
                for (FloatType t : p) {
                    assertTrue(t.get() >= 0 && t.get() <= 1);
                }
            }
        }
    }
}
