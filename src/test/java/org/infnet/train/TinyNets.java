package org.infnet.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.infnet.model.ModelDescriptor;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.Res2NetConfig;
import org.infnet.train.data.EdgeMaps;
import org.infnet.train.data.Sample;

/** A tiny Inf-Net and synthetic disc slices for fast training tests. */
public final class TinyNets {

    private TinyNets() {}

    private static int savedThreads;

    /**
     * Runs PyTorch single-threaded until {@link #restoreThreads}: the tensors are tiny, and on a busy
     * machine a second OpenMP thread mostly waits at barriers.
     */
    public static void singleThreaded() {
        if ("PyTorch".equals(ai.djl.engine.Engine.getInstance().getEngineName())) {
            savedThreads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
            ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        }
    }

    /** Restores the thread count changed by {@link #singleThreaded}. */
    public static void restoreThreads() {
        if (savedThreads > 0) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(savedThreads);
            savedThreads = 0;
        }
    }

    /** Side of the synthetic slices and of the network input. */
    public static final int SIDE = 64;

    /** Every Inf-Net head on a very narrow, one-block-per-stage backbone (stage channels 32, 64, 64, 64). */
    public static final InfNetConfig TINY = new InfNetConfig("infnet-tiny",
            new Res2NetConfig(8, new int[] {1, 1, 1, 1}, new int[] {8, 16, 16, 16}, 26, 4), 8, 8, 8, 8);

    /** A descriptor for {@code config} at input side {@link #SIDE} ({@code create} fixes 352). */
    public static ModelDescriptor descriptor(InfNetConfig config) {
        ModelDescriptor d = ModelDescriptor.create("tiny-test", config);
        return new ModelDescriptor(d.format(), d.name(), d.network(), SIDE, d.normalisation(), d.input(),
                d.outputs(), d.weights(), d.provenance(), d.validation());
    }

    /** Plain training recipe at side 64, one scale, no decay, no augmentation. */
    public static TrainConfig config(int epochs, int batch, float lr, long seed) {
        return config(epochs, batch, lr, 0, seed);
    }

    /** As {@link #config(int, int, float, long)} with the learning rate divided by 10 every {@code decayEvery} epochs. */
    public static TrainConfig config(int epochs, int batch, float lr, int decayEvery, long seed) {
        return TrainConfig.builder().epochs(epochs).batchSize(batch).learningRate(lr).decayEvery(decayEvery)
                .decayRate(decayEvery > 0 ? 0.1f : 1f).scales(1.0).trainSize(SIDE).seed(seed).checkpointMinutes(1e9)
                .build();
    }

    /**
     * {@code n} slices with one bright disc ("lesion", 0.8 plus noise) on a darker textured background
     * (0.2 to 0.4 plus noise), discs at different centres and radii; masks are the discs, edges derived.
     */
    public static List<Sample> discs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            double radius = 7 + r.nextDouble() * 9;
            double cx = radius + 2 + r.nextDouble() * (SIDE - 2 * radius - 4);
            double cy = radius + 2 + r.nextDouble() * (SIDE - 2 * radius - 4);
            float[] img = new float[SIDE * SIDE];
            float[] mask = new float[SIDE * SIDE];
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    int i = y * SIDE + x;
                    boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
                    double bg = 0.2 + 0.2 * x / SIDE;
                    double v = (in ? 0.8 : bg) + (r.nextDouble() - 0.5) * 0.1;
                    img[i] = (float) Math.max(0, Math.min(1, v));
                    mask[i] = in ? 1f : 0f;
                }
            }
            out.add(new Sample("disc" + k, SIDE, SIDE, img, mask, EdgeMaps.fromMask(mask, SIDE, SIDE)));
        }
        return out;
    }
}
