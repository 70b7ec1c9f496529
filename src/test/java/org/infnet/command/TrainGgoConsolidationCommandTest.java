package org.infnet.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.infnet.model.ModelDescriptor;
import org.infnet.train.MultiClassObjective;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

/** "Train GGO and Consolidation" through the CommandService: trains, writes its model folders, resumes. */
class TrainGgoConsolidationCommandTest {

    @TempDir
    Path dir;

    /** A 64x64 slice with a GGO disc (label 1) at {@code cx} and a consolidation square (label 2) beside it. */
    private static void slice(Path root, String name, int cx) {
        ByteProcessor img = new ByteProcessor(64, 64);
        ByteProcessor gt = new ByteProcessor(64, 64);
        ByteProcessor prior = new ByteProcessor(64, 64);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                boolean ggo = (x - cx) * (x - cx) + (y - 20) * (y - 20) < 64;
                boolean cons = Math.abs(x - cx) < 6 && Math.abs(y - 44) < 6;
                img.set(x, y, cons ? 220 : ggo ? 140 : 30);
                gt.set(x, y, cons ? 2 : ggo ? 1 : 0);
                prior.set(x, y, cons || ggo ? 230 : 10);
            }
        }
        new FileSaver(new ImagePlus(name, img)).saveAsPng(root.resolve("Imgs").resolve(name + ".png").toString());
        new FileSaver(new ImagePlus(name, gt)).saveAsPng(root.resolve("GT").resolve(name + ".png").toString());
        new FileSaver(new ImagePlus(name, prior)).saveAsPng(root.resolve("Prior").resolve(name + ".png").toString());
    }

    @Test
    void trainsThroughTheCommandServiceAndResumesInTheSameFolder() throws Exception {
        Path data = dir.resolve("data");
        for (String sub : new String[] {"Imgs", "GT", "Prior"}) {
            Files.createDirectories(data.resolve(sub));
        }
        slice(data, "1", 20);
        slice(data, "2", 32);
        slice(data, "3", 44);
        Path out = dir.resolve("out");
        Map<String, Object> in = new HashMap<>();
        in.put("data", data.toFile());
        in.put("valCount", 1);
        in.put("priorFolder", true);
        in.put("epochs", 1);
        in.put("batch", 2);
        in.put("size", 64);
        in.put("output", out.toFile());
        try (Context ctx = new Context(CommandService.class)) {
            CommandService cs = ctx.service(CommandService.class);
            cs.run(TrainGgoConsolidation.class, true, in).get();
            List<String> rows = Files.readAllLines(out.resolve("history.csv"));
            assertEquals(List.of(MultiClassObjective.HEADER), rows.subList(0, 1));
            assertEquals(2, rows.size(), rows.toString());
            Path json = out.resolve("best").resolve(ModelDescriptor.FILE);
            ModelDescriptor best = ModelDescriptor.parse(Files.readString(json), json.toString());
            assertEquals("multiclass-unet-compact", best.architecture());
            assertEquals(64, best.inputSize());
            assertTrue(best.validation().containsKey("ggo.meanDic"), best.validation().toString());
            in.put("epochs", 2);
            cs.run(TrainGgoConsolidation.class, true, in).get();
            rows = Files.readAllLines(out.resolve("history.csv"));
            assertEquals(3, rows.size(), "second run resumed after epoch 1: " + rows);
            assertTrue(rows.get(2).startsWith("2,"), rows.get(2));
        }
    }
}
