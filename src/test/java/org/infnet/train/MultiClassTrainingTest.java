package org.infnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.UNetConfig;
import org.infnet.train.data.MultiClassSample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The multi-class trainer learns a synthetic two-class lesion; SGD follows PyTorch's rule; runs resume. */
class MultiClassTrainingTest {

    private static final int SIDE = 32;
    private static final UNetConfig TINY = new UNetConfig("multiclass-unet-tiny", 6, 3, 8);

    @TempDir
    Path dir;

    @BeforeAll
    static void oneThread() {
        TinyNets.singleThreaded();
    }

    @AfterAll
    static void restore() {
        TinyNets.restoreThreads();
    }

    /**
     * Slices with a mid-gray disc (class 1) and a bright square (class 2) at random places on a darker
     * textured background; the prior is 1 on both lesions, as a perfect infection model gives.
     */
    static List<MultiClassSample> lesions(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<MultiClassSample> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            double rad = 4 + r.nextDouble() * 3;
            double cx = 8 + r.nextDouble() * 4;
            double cy = 8 + r.nextDouble() * 16;
            int sx = 18 + r.nextInt(4);
            int sy = 4 + r.nextInt(16);
            int ss = 6 + r.nextInt(4);
            float[] img = new float[SIDE * SIDE];
            float[] prior = new float[SIDE * SIDE];
            byte[] lab = new byte[SIDE * SIDE];
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    int i = y * SIDE + x;
                    boolean disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad;
                    boolean square = x >= sx && x < sx + ss && y >= sy && y < sy + ss;
                    double v = disc ? 0.55 : square ? 0.9 : 0.15 + 0.1 * x / SIDE;
                    img[i] = (float) Math.max(0, Math.min(1, v + (r.nextDouble() - 0.5) * 0.08));
                    lab[i] = (byte) (disc ? 1 : square ? 2 : 0);
                    prior[i] = disc || square ? 1f : 0f;
                }
            }
            out.add(new MultiClassSample("les" + k, SIDE, SIDE, img, prior, lab));
        }
        return out;
    }

    private static TrainConfig config(int epochs) {
        return TrainConfig.builder().epochs(epochs).batchSize(3).learningRate(1e-2f).decayEvery(0).decayRate(1f).clip(0f)
                .scales(1.0).trainSize(SIDE).seed(5).checkpointMinutes(1e9).build();
    }

    private static ModelDescriptor descriptor() {
        return ModelDescriptor.create("tiny-mc", TINY).withInputSize(SIDE);
    }

    @Test
    void tinyUNetLearnsDiscAndSquareClasses() throws IOException {
        List<MultiClassSample> train = lesions(6, 3);
        Engine.getInstance().setRandomSeed(11);
        Path out = dir.resolve("run");
        try (NetworkModel<MultiClassUNet> model = ModelKind.UNET.create(descriptor(), Device.cpu())) {
            new Trainer<>(new MultiClassObjective(model, Optimiser.Kind.ADAM, 0.7f), config(40), train, train.subList(0, 2), out,
                    TrainingListener.NONE).run();
            MultiClassObjective.Scores v = MultiClassObjective.validate(model, train, 3);
            assertTrue(v.argmaxDice()[1] > 0.8, "disc (class 1) Dice " + v.argmaxDice()[1]);
            assertTrue(v.argmaxDice()[2] > 0.8, "square (class 2) Dice " + v.argmaxDice()[2]);
            assertTrue(v.summaries()[1].meanDic() > 0.7, "class 1 meanDic " + v.summaries()[1].meanDic());
            assertTrue(v.summaries()[2].meanDic() > 0.7, "class 2 meanDic " + v.summaries()[2].meanDic());
        }
        List<String> hist = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(MultiClassObjective.HEADER, hist.get(0));
        assertEquals(41, hist.size());
        for (String f : new String[] {"best", "last", "checkpoint"}) {
            assertTrue(Files.isRegularFile(out.resolve(f).resolve("model.safetensors")), f);
        }
        var state = JsonParser.parseString(Files.readString(out.resolve("checkpoint/state.json"))).getAsJsonObject();
        assertEquals(40, state.get("epoch").getAsInt());
        assertEquals(80, state.get("optimiserSteps").getAsLong()); // 6 slices / batch 3 = 2 steps per epoch
        var best = JsonParser.parseString(Files.readString(out.resolve("best/model.json"))).getAsJsonObject();
        assertTrue(best.getAsJsonObject("validation").has("ggo.meanDic"));
        assertEquals(SIDE, best.get("inputSize").getAsInt());
    }

    /**
     * With {@link UNetConfig#priorSkip} the training loss is taken on the network's output plus the prior's logit:
     * a network whose last convolution is zero has exactly the BCE of {@code +-logit(clamped prior)} against the
     * one-hot labels (and the plain network, logits 0, has log 2).
     */
    @Test
    void priorSkipEntersTheTrainingLoss() throws IOException {
        List<MultiClassSample> train = lesions(3, 4);
        double expected = 0;
        for (MultiClassSample s : train) {
            for (int i = 0; i < SIDE * SIDE; i++) {
                float p = Math.min(1 - UNetConfig.PRIOR_CLAMP, Math.max(UNetConfig.PRIOR_CLAMP, s.prior01()[i]));
                double lp = Math.log(p / (1 - p));
                for (int c = 0; c < 3; c++) {
                    double z = c == 0 ? -lp : lp;
                    double y = s.labels()[i] == c ? 1 : 0;
                    expected += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
                }
            }
        }
        expected /= 3.0 * 3 * SIDE * SIDE;
        for (boolean skip : new boolean[] {false, true}) {
            ModelDescriptor d = ModelDescriptor.create("tiny-mc", TINY.withPriorSkip(skip)).withInputSize(SIDE);
            try (NetworkModel<MultiClassUNet> model = ModelKind.UNET.create(d, Device.cpu())) {
                model.parameters().forEach((k, p) -> {
                    if (k.startsWith("outc")) {
                        p.getArray().subi(p.getArray().duplicate());
                    }
                });
                float[] loss = new MultiClassObjective(model, Optimiser.Kind.ADAM, 0.7f)
                        .batch(train, new long[] {1, 2, 3}, config(1)).forwardBackward(SIDE);
                assertEquals(skip ? expected : Math.log(2), loss[0], 1e-4 * Math.max(1, expected), "skip " + skip);
            }
        }
        assertTrue(Math.abs(expected - Math.log(2)) > 0.1, "the two cases must differ: " + expected);
    }

    @Test
    void killedRunResumesToTheSameWeightsAsAnUninterruptedOne() throws IOException {
        List<MultiClassSample> train = lesions(4, 8);
        Map<String, float[]> straight = new java.util.HashMap<>();
        Engine.getInstance().setRandomSeed(13);
        try (NetworkModel<MultiClassUNet> model = ModelKind.UNET.create(descriptor(), Device.cpu())) {
            new Trainer<>(new MultiClassObjective(model, Optimiser.Kind.SGD, 0.7f), config(3), train, List.of(), dir.resolve("a"),
                    TrainingListener.NONE).run();
            model.weights().forEach((k, t) -> straight.put(k, t.data()));
        }
        Path b = dir.resolve("b");
        Engine.getInstance().setRandomSeed(13);
        try (NetworkModel<MultiClassUNet> model = ModelKind.UNET.create(descriptor(), Device.cpu())) {
            // cancelled after the third step (second epoch, first step): a checkpoint is written
            int[] steps = {0};
            new Trainer<>(new MultiClassObjective(model, Optimiser.Kind.SGD, 0.7f), config(3), train, List.of(), b, new TrainingListener() {
                @Override
                public void onStep(int epoch, int step, int n, double loss) {
                    steps[0]++;
                }

                @Override
                public boolean cancelled() {
                    return steps[0] == 3;
                }
            }).run();
        }
        Engine.getInstance().setRandomSeed(99); // the resumed run's initial weights are replaced by the checkpoint
        try (NetworkModel<MultiClassUNet> model = ModelKind.UNET.create(descriptor(), Device.cpu())) {
            new Trainer<>(new MultiClassObjective(model, Optimiser.Kind.SGD, 0.7f), config(3), train, List.of(), b,
                    TrainingListener.NONE).run();
            model.weights().forEach((k, t) -> {
                float[] s = straight.get(k);
                for (int i = 0; i < s.length; i++) {
                    assertEquals(s[i], t.data()[i], 1e-5f, k + "[" + i + "]");
                }
            });
        }
        assertEquals(4, Files.readAllLines(b.resolve("history.csv")).size());
    }

    @Test
    void sgdFollowsPyTorchsMomentumRule() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.BIAS).optShape(new Shape(2)).build();
            p.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32);
            org.infnet.model.Engines.copyInto(p.getArray(), new float[] {1f, -2f});
            Sgd sgd = new Sgd(Map.of("w", p), 0.1f, 0.7f, 0f);
            float[][] expected = {{0.7f, -1.8f}, {0.19f, -1.46f}}; // buf = g; then buf = 0.7 buf + g; w -= 0.1 buf
            for (float[] e : expected) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray w = p.getArray();
                    // loss = 3 w0 - 2 w1: gradient (3, -2)
                    NDArray loss = w.mul(m.create(new float[] {3f, -2f})).sum();
                    gc.backward(loss);
                }
                sgd.step();
                float[] w = p.getArray().toFloatArray();
                assertEquals(e[0], w[0], 1e-6f);
                assertEquals(e[1], w[1], 1e-6f);
            }
            assertEquals(2, sgd.steps());
            assertEquals(5.1f, sgd.moments().get("buf.w").toFloatArray()[0], 1e-6f);
        }
    }
}
