package org.infnet.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.infnet.image.HuWindow;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfectionSegmenterTest {

    @TempDir
    static Path dir;
    static NetworkModel<InfNet> model;

    @BeforeAll
    static void load() throws Exception {
        model = ModelKind.INFNET.load(TestModels.randomCompact(dir.resolve("m")), Device.cpu());
        model.freeze();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static byte[] pattern(int w, int h, int z) {
        byte[] b = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                b[y * w + x] = (byte) ((x * 3 + y * 5 + z * 40) % 256);
            }
        }
        return b;
    }

    @Test
    void outputsKeepTheInputSizeAndRanges() {
        Img<UnsignedByteType> img = ArrayImgs.unsignedBytes(pattern(123, 77, 0), 123, 77);
        InfectionSegmenter.Result r = new InfectionSegmenter(model, InfectionSegmenter.Options.DEFAULT)
                .segment(img, Progress.NONE);
        assertArrayEquals(new long[] {123, 77}, r.probability().dimensionsAsLongArray());
        assertArrayEquals(new long[] {123, 77}, r.mask().dimensionsAsLongArray());
        assertArrayEquals(new long[] {123, 77}, r.edge().dimensionsAsLongArray());
        float[] p = InfectionSegmenter.floats(r.probability());
        byte[] m = InfectionSegmenter.bytes(r.mask());
        for (int i = 0; i < p.length; i++) {
            assertTrue(p[i] >= 0 && p[i] <= 1);
            assertEquals(p[i] >= 0.5 ? (byte) 255 : 0, m[i]);
        }
    }

    @Test
    void withoutEdgesTheSameProbabilitiesAndNoEdgeMap() {
        for (int depth : new int[] {1, 3}) {
            byte[] b = new byte[50 * 40 * depth];
            for (int z = 0; z < depth; z++) {
                System.arraycopy(pattern(50, 40, z), 0, b, z * 2000, 2000);
            }
            Img<UnsignedByteType> img = depth == 1 ? ArrayImgs.unsignedBytes(b, 50, 40)
                    : ArrayImgs.unsignedBytes(b, 50, 40, depth);
            InfectionSegmenter with = new InfectionSegmenter(model, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2));
            InfectionSegmenter.Result a = with.segment(img, Progress.NONE);
            InfectionSegmenter.Result n = new InfectionSegmenter(model, with.options().withEdges(false)).segment(img, Progress.NONE);
            assertEquals(50L * 40 * depth, InfectionSegmenter.floats(a.edge()).length, "depth " + depth);
            assertNull(n.edge(), "depth " + depth);
            assertArrayEquals(InfectionSegmenter.floats(a.probability()), InfectionSegmenter.floats(n.probability()));
            assertArrayEquals(InfectionSegmenter.bytes(a.mask()), InfectionSegmenter.bytes(n.mask()));
        }
    }

    @Test
    void huInputThroughTheWindowEqualsTheSame8BitSlice() {
        int w = 64;
        int h = 48;
        byte[] b = pattern(w, h, 1);
        float[] hu = new float[b.length];
        HuWindow win = HuWindow.LUNG;
        for (int i = 0; i < b.length; i++) {
            hu[i] = (float) (win.lower() + (b[i] & 0xff) / 255.0 * win.width());
        }
        InfectionSegmenter s = new InfectionSegmenter(model, InfectionSegmenter.Options.DEFAULT);
        float[] p8 = InfectionSegmenter.floats(s.segment(ArrayImgs.unsignedBytes(b, w, h), Progress.NONE).probability());
        float[] pHu = InfectionSegmenter.floats(s.segment(ArrayImgs.floats(hu, w, h), Progress.NONE).probability());
        assertArrayEquals(p8, pHu, 1e-4f);
    }

    @Test
    void stackSlicesEqualSingleSlices() {
        int w = 50;
        int h = 40;
        byte[] stack = new byte[w * h * 3];
        for (int z = 0; z < 3; z++) {
            System.arraycopy(pattern(w, h, z), 0, stack, z * w * h, w * h);
        }
        InfectionSegmenter s = new InfectionSegmenter(model, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2));
        float[] all = InfectionSegmenter.floats(s.segment(ArrayImgs.unsignedBytes(stack, w, h, 3), Progress.NONE).probability());
        float[] second = InfectionSegmenter.floats(
                s.segment(ArrayImgs.unsignedBytes(pattern(w, h, 1), w, h), Progress.NONE).probability());
        float[] fromStack = new float[w * h];
        System.arraycopy(all, w * h, fromStack, 0, w * h);
        // batches of 2 and 1 may sum in another order (oneDNN picks kernels by batch size), and this random
        // network's logits reach 1e4, so the same slice agrees to float noise; a neighbouring slice differs far more
        assertArrayEquals(second, fromStack, 1e-3f);
        float[] first = new float[w * h];
        System.arraycopy(all, 0, first, 0, w * h);
        assertTrue(maxAbsDiff(first, second) > 0.05, "slices 0 and 1 give different maps");
        // an 8-bit array image is scaled from its storage; a stacked view of the slices value by value: the same
        List<RandomAccessibleInterval<UnsignedByteType>> planes = new ArrayList<>();
        for (int z = 0; z < 3; z++) {
            planes.add(ArrayImgs.unsignedBytes(pattern(w, h, z), w, h));
        }
        assertArrayEquals(all, InfectionSegmenter.floats(s.segment(Views.stack(planes), Progress.NONE).probability()));
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void nanPixelsAreTreatedAsMissingAndDoNotPoisonTheSlice() {
        float[] hu = new float[40 * 40];
        java.util.Arrays.fill(hu, -800f);
        hu[5] = Float.NaN;
        hu[6] = Float.POSITIVE_INFINITY;
        float[] p = InfectionSegmenter.floats(new InfectionSegmenter(model, InfectionSegmenter.Options.DEFAULT)
                .segment(ArrayImgs.floats(hu, 40, 40), Progress.NONE).probability());
        for (float v : p) {
            assertTrue(!Float.isNaN(v));
        }
    }

    @Test
    void rejectsHyperstacksAndHonoursCancel() {
        InfectionSegmenter s = new InfectionSegmenter(model, InfectionSegmenter.Options.DEFAULT);
        Img<FloatType> four = ArrayImgs.floats(8, 8, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> s.segment(four, Progress.NONE));
        Progress cancel = new Progress() {
            @Override
            public boolean cancelled() {
                return true;
            }
        };
        assertThrows(CancellationException.class, () -> s.segment(ArrayImgs.floats(8, 8), cancel));
    }
}
