package org.infnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.train.data.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end: the trainer makes a tiny Inf-Net learn to segment bright discs. */
@ExtendWith(SingleThreaded.class)
class TinyNetworkLearnsTest {

    @TempDir
    Path out;


    @Test
    void tinyNetworkLearnsDiscs() throws Exception {
        int epochs = Integer.getInteger("tiny.epochs", 40);
        float lr = Float.parseFloat(System.getProperty("tiny.lr", "1e-2"));
        List<Sample> train = TinyNets.discs(8, 11);
        Engine.getInstance().setRandomSeed(5);
        try (NetworkModel<InfNet> model = ModelKind.INFNET.create(TinyNets.descriptor(TinyNets.TINY), Device.cpu())) {
            long t0 = System.nanoTime();
            List<EpochLog> h = EpochLog.parseAll(new Trainer<>(new InfNetObjective(model), TinyNets.config(epochs,
                    Integer.getInteger("tiny.batch", 4), lr, Integer.getInteger("tiny.decay", 30), 3), train, List.of(),
                    out, TrainingListener.NONE).run());
            System.out.printf("tiny: %d epochs in %.1f s%n", epochs, (System.nanoTime() - t0) / 1e9);
            assertEquals(epochs, h.size());
            double first = h.get(0).totalLoss();
            double last = h.get(h.size() - 1).totalLoss();
            for (EpochLog l : h) {
                System.out.println(l.csv());
            }
            assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
            InfNetObjective.Scores v = InfNetObjective.validate(model, train, 4);
            System.out.println("dice@0.5 " + v.dice05() + " meanDic " + v.summary().meanDic());
            assertTrue(v.dice05() > 0.9, "Dice@0.5 on the training slices: " + v.dice05());
            assertTrue(Files.isRegularFile(out.resolve("last").resolve("model.json")));
        }
    }
}
