package org.infnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import ij.IJ;
import ij.ImagePlus;
import java.nio.file.Path;
import java.util.Locale;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.image.HuWindow;
import org.infnet.model.Engines;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.ModelLocator;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same input gives the same maps whatever the engine threads, the batch size and the number of streams
 * (within 1e-5), under the engine configuration in force (the self-check's choice, or the one a surefire
 * execution forces). On the processor of issue 16, oneDNN gave probabilities up to 0.49 apart between 1 and 2
 * threads, and batch 16 differed from batch 4.
 */
class EngineConsistencyTest {

    private static final double TOL = 1e-5;
    private static int threadsBefore;

    @BeforeAll
    static void saveThreads() {
        EngineSetup.ensure();
        threadsBefore = JniUtils.getNumThreads();
    }

    @AfterAll
    static void restoreThreads() {
        Engines.setIntraOpThreads(threadsBefore);
    }

    /** The bundled phantom slices (512 x 512, 8-bit) as one stack of {@code n}. */
    private static Img<UnsignedByteType> phantoms(int n) {
        byte[] all = null;
        int w = 0;
        int h = 0;
        for (int i = 0; i < n; i++) {
            ImagePlus imp = IJ.openImage(Path.of("test-images", "Imgs", String.format(Locale.ROOT, "phantom_%02d.png",
                    i + 1)).toString());
            byte[] px = (byte[]) imp.getProcessor().convertToByte(false).getPixels();
            if (all == null) {
                w = imp.getWidth();
                h = imp.getHeight();
                all = new byte[w * h * n];
            }
            System.arraycopy(px, 0, all, i * w * h, w * h);
        }
        return ArrayImgs.unsignedBytes(all, w, h, n);
    }

    private static InfectionSegmenter.Result run(NetworkModel<InfNet> model, Img<UnsignedByteType> img, int threads, int batch,
            int streams) {
        Engines.setIntraOpThreads(threads);
        return new InfectionSegmenter(model, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, batch)
                .withStreams(streams)).segment(img, org.infnet.infer.Progress.NONE);
    }

    private static void assertSame(InfectionSegmenter.Result ref, InfectionSegmenter.Result r, String what) {
        float[] a = InfectionSegmenter.floats(ref.probability());
        float[] b = InfectionSegmenter.floats(r.probability());
        float[] ea = InfectionSegmenter.floats(ref.edge());
        float[] eb = InfectionSegmenter.floats(r.edge());
        assertEquals(a.length, b.length);
        double d = 0;
        double de = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
            de = Math.max(de, Math.abs(ea[i] - eb[i]));
        }
        assertTrue(d <= TOL, what + ": probabilities differ by " + d + " from 1 thread, batch 1, 1 stream ("
                + EngineSetup.current().label() + ")");
        assertTrue(de <= TOL, what + ": edge maps differ by " + de);
    }

    @Test
    void bundledModelGivesTheSameMapsWhateverThreadsBatchAndStreams() throws Exception {
        Img<UnsignedByteType> img = phantoms(4);
        try (NetworkModel<InfNet> model = ModelLocator.open(ModelKind.INFNET, ModelLocator.DEFAULT, Device.cpu())) {
            model.freeze();
            InfectionSegmenter.Result ref = run(model, img, 1, 1, 1);
            float[] p = InfectionSegmenter.floats(ref.probability());
            double max = 0;
            for (float v : p) {
                max = Math.max(max, v);
            }
            assertTrue(max > 0.5, "the phantoms have infection, so the comparison is not of empty maps");
            assertSame(ref, run(model, img, 2, 1, 1), "2 threads, batch 1");
            assertSame(ref, run(model, img, 2, 4, 1), "2 threads, batch 4");
            assertSame(ref, run(model, img, 1, 2, 2), "1 thread, batch 2, 2 streams");
        }
    }

    @Test
    void fullInfNetGivesTheSameMapsWithOneAndTwoThreadsAndBatches() throws Exception {
        Img<UnsignedByteType> img = phantoms(2);
        try (NetworkModel<InfNet> model = ModelKind.INFNET.create(
                ModelDescriptor.create("infnet-res2net50", InfNetConfig.preset("infnet-res2net50")), Device.cpu())) {
            model.freeze();
            InfectionSegmenter.Result ref = run(model, img, 1, 1, 1);
            assertSame(ref, run(model, img, 2, 2, 1), "full Inf-Net, 2 threads, batch 2");
        }
    }
}
