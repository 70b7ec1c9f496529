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

class CommandsTest {

    @TempDir
    Path dir;

    @Test
    void segmentAndEdgeCommandsRunHeadlessThroughTheCommandService() throws Exception {
        Path model = TestModels.randomCompact(dir.resolve("model"));
        Img<UnsignedByteType> img = ArrayImgs.unsignedBytes(90, 70);
        img.forEach(t -> t.set(60));
        try (Context ctx = new Context(CommandService.class, InfNetService.class)) {
            CommandService cs = ctx.service(CommandService.class);
            org.scijava.module.Module seg = RunCommand.run(ctx, SegmentLungInfection.class, Map.of("image", img, "model", model.toString(), "threshold", 0.5));
            @SuppressWarnings("unchecked")
            Img<FloatType> prob = (Img<FloatType>) seg.getOutput("probability");
            @SuppressWarnings("unchecked")
            Img<UnsignedByteType> mask = (Img<UnsignedByteType>) seg.getOutput("mask");
            assertArrayEquals(new long[] {90, 70}, prob.dimensionsAsLongArray());
            assertArrayEquals(new long[] {90, 70}, mask.dimensionsAsLongArray());
            var pc = prob.cursor();
            var mc = mask.cursor();
            while (pc.hasNext()) {
                float p = pc.next().get();
                assertTrue(p >= 0 && p <= 1);
                assertEquals(p >= 0.5 ? 255 : 0, mc.next().get());
            }
            org.scijava.module.Module edge = RunCommand.run(ctx, ShowEdgeAttention.class, Map.of("image", img, "model", model.toString()));
            assertArrayEquals(new long[] {90, 70}, ((Img<?>) edge.getOutput("edges")).dimensionsAsLongArray());
        }
    }
}
