package org.infnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.infnet.io.SafeTensors;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.train.data.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A run cancelled mid-epoch and resumed ends exactly where an uninterrupted run ends. */
@ExtendWith(SingleThreaded.class)
class CheckpointResumeTest {

    @TempDir
    Path dir;


    private static final int EPOCHS = 2;
    private static final int BATCH = 4;

    private List<EpochLog> train(Path out, TrainingListener listener) throws IOException {
        List<Sample> train = TinyNets.discs(8, 21);
        List<Sample> val = TinyNets.discs(1, 22);
        Engine.getInstance().setRandomSeed(9);
        TrainConfig cfg = TinyNets.config(EPOCHS, BATCH, 2e-3f, 4);
        try (NetworkModel<InfNet> model = ModelKind.INFNET.create(TinyNets.descriptor(TinyNets.TINY), Device.cpu())) {
            return EpochLog.parseAll(new Trainer<>(new InfNetObjective(model), cfg, train, val, out, listener).run());
        }
    }

    @Test
    void resumedRunMatchesUninterruptedRun() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        List<EpochLog> ha = train(a, TrainingListener.NONE);
        assertEquals(EPOCHS, ha.size());

        // B: cancel after 1 of the 2 steps of epoch 2 (0-based epoch 1)
        List<String> messages = new ArrayList<>();
        int[] stepsSeen = {0};
        TrainingListener cancelMidEpoch2 = new TrainingListener() {
            int epoch = -1;
            int step = 0;

            @Override
            public void onStep(int e, int s, int n, double loss) {
                epoch = e;
                step = s;
                stepsSeen[0]++;
            }

            @Override
            public void onMessage(String message) {
                messages.add(message);
            }

            @Override
            public boolean cancelled() {
                return epoch == 1 && step >= 1;
            }
        };
        List<EpochLog> hb1 = train(b, cancelMidEpoch2);
        assertEquals(1, hb1.size(), "only epoch 1 completed before the cancellation");
        assertEquals(2 + 1, stepsSeen[0]);
        assertTrue(messages.stream().anyMatch(m -> m.contains("cancelled") && m.contains("epoch 2 step 1")), messages.toString());
        assertTrue(Files.isRegularFile(b.resolve("checkpoint").resolve("state.json")));

        // resume with a freshly built (differently initialised) model
        messages.clear();
        TrainingListener log = new TrainingListener() {
            @Override
            public void onMessage(String message) {
                messages.add(message);
            }
        };
        Engine.getInstance().setRandomSeed(1234);
        List<EpochLog> hb;
        List<Sample> train = TinyNets.discs(8, 21);
        List<Sample> val = TinyNets.discs(1, 22);
        try (NetworkModel<InfNet> model = ModelKind.INFNET.create(TinyNets.descriptor(TinyNets.TINY), Device.cpu())) {
            hb = EpochLog.parseAll(new Trainer<>(new InfNetObjective(model), TinyNets.config(EPOCHS, BATCH, 2e-3f, 4), train,
                    val, b, log).run());
        }
        assertTrue(messages.stream().anyMatch(m -> m.contains("resumed") && m.contains("epoch 2 step 1")), messages.toString());
        assertEquals(EPOCHS, hb.size());

        for (int i = 0; i < EPOCHS; i++) {
            EpochLog x = ha.get(i);
            EpochLog y = hb.get(i);
            assertEquals(x.epoch(), y.epoch());
            assertEquals(x.map5(), y.map5(), 1e-4, "map5 loss, epoch " + (i + 1));
            assertEquals(x.map4(), y.map4(), 1e-4, "map4 loss, epoch " + (i + 1));
            assertEquals(x.map3(), y.map3(), 1e-4, "map3 loss, epoch " + (i + 1));
            assertEquals(x.map2(), y.map2(), 1e-4, "map2 loss, epoch " + (i + 1));
            assertEquals(x.edge(), y.edge(), 1e-4, "edge loss, epoch " + (i + 1));
            assertEquals(x.valMeanDice(), y.valMeanDice(), 1e-3, "val meanDice, epoch " + (i + 1));
            assertEquals(x.valMae(), y.valMae(), 1e-3, "val MAE, epoch " + (i + 1));
        }

        // final weights, including batch-norm running statistics
        Map<String, SafeTensors.Tensor> wa = SafeTensors.read(a.resolve("last").resolve("model.safetensors"));
        Map<String, SafeTensors.Tensor> wb = SafeTensors.read(b.resolve("last").resolve("model.safetensors"));
        assertEquals(wa.keySet(), wb.keySet());
        double worst = 0;
        String worstName = "";
        for (String k : wa.keySet()) {
            float[] x = wa.get(k).data();
            float[] y = wb.get(k).data();
            for (int i = 0; i < x.length; i++) {
                double d = Math.abs(x[i] - y[i]) / (1e-3 + Math.abs(x[i]));
                if (d > worst) {
                    worst = d;
                    worstName = k;
                }
            }
        }
        assertTrue(worst < 1e-3, "largest relative weight difference " + worst + " in " + worstName);

        // and the weights did move from the shared initialisation (a no-op trainer would also "match")
        Engine.getInstance().setRandomSeed(9);
        try (NetworkModel<InfNet> init = ModelKind.INFNET.create(TinyNets.descriptor(TinyNets.TINY), Device.cpu())) {
            String k = "resnet.conv1.0.weight";
            assertTrue(wa.containsKey(k), wa.keySet().toString());
            assertFalse(java.util.Arrays.equals(wa.get(k).data(), init.weights().get(k).data()));
        }
    }
}
