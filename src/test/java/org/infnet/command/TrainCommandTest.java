package org.infnet.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.io.FileSaver;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

class TrainCommandTest {

    @TempDir
    Path dir;

    private static void slice(Path root, String name, int cx) {
        ByteProcessor img = new ByteProcessor(96, 80);
        ByteProcessor gt = new ByteProcessor(96, 80);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 96; x++) {
                boolean in = (x - cx) * (x - cx) + (y - 40) * (y - 40) < 144;
                img.set(x, y, in ? 200 : 40);
                gt.set(x, y, in ? 255 : 0);
            }
        }
        new FileSaver(new ImagePlus(name, img)).saveAsPng(root.resolve("Imgs").resolve(name + ".png").toString());
        new FileSaver(new ImagePlus(name, gt)).saveAsPng(root.resolve("GT").resolve(name + ".png").toString());
    }

    @Test
    void trainsThroughTheCommandServiceAndResumesInTheSameFolder() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("Imgs"));
        Files.createDirectories(data.resolve("GT"));
        slice(data, "1", 30);
        slice(data, "2", 50);
        slice(data, "3", 70);
        Path out = dir.resolve("out");
        Map<String, Object> in = new HashMap<>();
        in.put("data", data.toFile());
        in.put("valCount", 1);
        in.put("epochs", 1);
        in.put("batch", 2);
        in.put("lr", 1e-3);
        in.put("scales", "1");
        in.put("output", out.toFile());
        try (Context ctx = new Context(CommandService.class)) {
            CommandService cs = ctx.service(CommandService.class);
            cs.run(TrainInfNet.class, true, in).get();
            List<String> rows = Files.readAllLines(out.resolve("history.csv"));
            assertEquals(2, rows.size(), rows.toString());
            assertTrue(Files.exists(out.resolve("best").resolve("model.json")));
            assertTrue(Files.exists(out.resolve("checkpoint").resolve("state.json")));
            in.put("epochs", 2);
            cs.run(TrainInfNet.class, true, in).get();
            rows = Files.readAllLines(out.resolve("history.csv"));
            assertEquals(3, rows.size(), "second run resumed after epoch 1: " + rows);
            assertTrue(rows.get(2).startsWith("2,"), rows.get(2));
        }
    }
}
