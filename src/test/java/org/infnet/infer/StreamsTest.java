package org.infnet.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import net.imglib2.img.array.ArrayImgs;
import org.infnet.image.HuWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segmentation split across several streams (threads) gives the one-stream result, and fails and cancels cleanly. */
class StreamsTest {

    @TempDir
    Path dir;

    private static final int W = 24;
    private static final int H = 20;
    private static final int D = 11;

    /**
     * The stand-in network of {@link BadInputTest#identity}, recording the threads it ran on; it takes 20 ms a batch,
     * as a network would take some time (the streams take batches in turn, so a stream that found no work left
     * would not show up).
     */
    private static final class Identity implements Predictor<SlicePrediction> {
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public List<SlicePrediction> predict(List<UnitSlice> batch) {
            threads.add(Thread.currentThread().getName());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return BadInputTest.identity(batch);
        }
    }

    private static byte[] stack() {
        byte[] b = new byte[W * H * D];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ((i * 37 + i / (W * H) * 11) % 256);
        }
        return b;
    }

    private static InfectionSegmenter.Result run(Predictor<SlicePrediction> p, int streams, Progress progress) {
        return new InfectionSegmenter(p, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2).withStreams(streams))
                .segment(ArrayImgs.unsignedBytes(stack(), W, H, D), progress);
    }

    @Test
    void threeStreamsGiveTheOneStreamResultOnSeveralThreads() {
        InfectionSegmenter.Result one = run(new Identity(), 1, Progress.NONE);
        Identity p = new Identity();
        List<Integer> reported = new ArrayList<>();
        InfectionSegmenter.Result three = run(p, 3, new Progress() {
            @Override
            public void update(int done, int total, String what) {
                reported.add(done);
            }
        });
        assertArrayEquals(InfectionSegmenter.floats(one.probability()), InfectionSegmenter.floats(three.probability()));
        assertArrayEquals(InfectionSegmenter.floats(one.edge()), InfectionSegmenter.floats(three.edge()));
        assertArrayEquals(InfectionSegmenter.bytes(one.mask()), InfectionSegmenter.bytes(three.mask()));
        assertTrue(p.threads.size() >= 2, "ran on " + p.threads);
        assertEquals(D, reported.get(reported.size() - 1), "progress ends at all slices: " + reported);
    }

    /** A float stack filled slice by slice on another thread, 10 ms a slice, as a file being read. */
    private static final class Filling implements SlicesReady {
        final float[] hu = new float[W * H * D];
        private int filled;
        volatile long finished;

        void start(float[] values) {
            Thread t = new Thread(() -> {
                for (int z = 0; z < D; z++) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.arraycopy(values, z * W * H, hu, z * W * H, W * H);
                    if (z == D - 1) {
                        finished = System.nanoTime(); // before the last slice is published
                    }
                    synchronized (this) {
                        filled = z + 1;
                        notifyAll();
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public synchronized void await(int count) throws InterruptedException {
            while (filled < count) {
                wait();
            }
        }
    }

    private static float[] huStack() {
        float[] v = new float[W * H * D];
        for (int i = 0; i < v.length; i++) {
            v[i] = -1350 + (i * 37 + i / (W * H) * 11) % 1500;
        }
        return v;
    }

    @Test
    void segmentationOfAStackBeingFilledStartsEarlyAndGivesTheResultOfTheWholeStack() {
        InfectionSegmenter.Options opt = new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2);
        InfectionSegmenter.Result whole = new InfectionSegmenter(new Identity(), opt)
                .segment(ArrayImgs.floats(huStack(), W, H, D), Progress.NONE);
        for (int streams : new int[] {1, 3}) {
            Filling f = new Filling();
            long[] firstBatch = {0};
            Identity id = new Identity();
            f.start(huStack());
            InfectionSegmenter.Result r = new InfectionSegmenter(batch -> {
                synchronized (firstBatch) {
                    firstBatch[0] = firstBatch[0] == 0 ? System.nanoTime() : firstBatch[0];
                }
                return id.predict(batch);
            }, opt.withStreams(streams)).segment(ArrayImgs.floats(f.hu, W, H, D), f, Progress.NONE);
            assertArrayEquals(InfectionSegmenter.floats(whole.probability()), InfectionSegmenter.floats(r.probability()),
                    streams + " streams");
            assertArrayEquals(InfectionSegmenter.bytes(whole.mask()), InfectionSegmenter.bytes(r.mask()));
            assertTrue(firstBatch[0] < f.finished, "the first batch ran before the stack was full");
        }
    }

    @Test
    void aFailureToFillTheStackReachesTheCaller() {
        for (int streams : new int[] {1, 2}) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new InfectionSegmenter(new Identity(),
                    new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2).withStreams(streams)).segment(
                            ArrayImgs.floats(huStack(), W, H, D), count -> {
                                if (count > 4) {
                                    throw new UncheckedIOException(new IOException("ct.nii.gz is truncated"));
                                }
                            }, Progress.NONE));
            assertEquals("ct.nii.gz is truncated", e.getCause().getMessage());
        }
    }

    @Test
    void outOfMemoryInOneStreamHalvesItsBatchAndTheResultIsTheSame() {
        Identity id = new Identity();
        InfectionSegmenter.Result r = run(batch -> {
            if (batch.size() > 1) {
                throw new OutOfMemoryError("stand-in: not enough memory");
            }
            return id.predict(batch);
        }, 2, Progress.NONE);
        assertArrayEquals(InfectionSegmenter.floats(run(new Identity(), 1, Progress.NONE).probability()),
                InfectionSegmenter.floats(r.probability()));
    }

    @Test
    void aFailureInAWorkerStreamReachesTheCaller() {
        Identity id = new Identity();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(batch -> {
            if (Thread.currentThread().getName().startsWith("infnet-segment") && batch.get(0).pixels()[0] > 0.3f) {
                throw new IllegalStateException("stand-in engine failure");
            }
            return id.predict(batch);
        }, 2, Progress.NONE));
        assertEquals("stand-in engine failure", e.getMessage());
    }

    @Test
    void cancellingOnTheCallingThreadStopsEveryStream() {
        AtomicBoolean cancel = new AtomicBoolean();
        Identity id = new Identity();
        Thread caller = Thread.currentThread();
        assertThrows(CancellationException.class, () -> run(batch -> {
            cancel.set(true);
            try {
                Thread.sleep(150); // slow enough that the caller polls while the streams still run
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return id.predict(batch);
        }, 2, new Progress() {
            @Override
            public boolean cancelled() {
                return Thread.currentThread() == caller && cancel.get();
            }
        }));
    }

    /** {@code count} 8-bit PNG slices {@code s0.png, s1.png, ...} in {@code in}, slice k of width {@code width(k)}. */
    private static List<Path> pngSlices(Path in, int count, java.util.function.IntUnaryOperator width) throws IOException {
        return slices(in, count, width, false);
    }

    /**
     * {@code count} slices {@code s0, s1, ...} in {@code in}, slice k of width {@code width(k)}: 8-bit PNG, or with
     * {@code hu} 32-bit TIFF of Hounsfield units.
     */
    private static List<Path> slices(Path in, int count, java.util.function.IntUnaryOperator width, boolean hu)
            throws IOException {
        Files.createDirectories(in);
        List<Path> files = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int w = width.applyAsInt(k);
            ImageProcessor ip = hu ? new FloatProcessor(w, H) : new ByteProcessor(w, H);
            for (int i = 0; i < w * H; i++) {
                ip.setf(i, hu ? -1000 + (i * (k + 3)) % 1400 : (i * (k + 3)) % 256);
            }
            Path f = in.resolve("s" + k + (hu ? ".tif" : ".png"));
            FileSaver saver = new FileSaver(new ImagePlus("s" + k, ip));
            if (hu ? !saver.saveAsTiff(f.toString()) : !saver.saveAsPng(f.toString())) {
                throw new IOException("could not write " + f);
            }
            files.add(f);
        }
        return files;
    }

    /** {@link FileSegmentation#groups} of the files' paths. */
    private static List<List<Path>> groups(List<Path> files, int size) {
        return FileSegmentation.groups(files.stream().map(org.infnet.io.InputFile::of).toList(), size).stream()
                .map(g -> g.stream().map(org.infnet.io.InputFile::path).toList()).toList();
    }

    @Test
    void filesAreGroupedInRunsOfTheBatchSizeAndVolumesAlone() {
        List<Path> files = new ArrayList<>();
        for (String n : List.of("a.png", "b.png", "c.png", "v.nii.gz", "d.png", "e.tif", "f.png", "g.png", "h.png")) {
            files.add(Path.of(n));
        }
        List<List<Path>> g = groups(files, 4);
        assertEquals(List.of(files.subList(0, 3), files.subList(3, 4), files.subList(4, 8), files.subList(8, 9)), g);
        assertEquals(files.stream().map(List::of).toList(), groups(files, 1));
    }

    @Test
    void singleSlicesOfOneSizeGoThroughTheNetworkTogetherAndGetTheirOwnResults() throws IOException {
        // s5 is of another size: its group is segmented file by file; 8-bit PNG and 32-bit HU slices (each kind's
        // group is made one array image)
        for (boolean hu : new boolean[] {false, true}) {
            singleSlicesTogether(hu);
        }
    }

    private void singleSlicesTogether(boolean hu) throws IOException {
        List<Path> files = slices(dir.resolve("slices" + hu), 7, k -> k == 5 ? W + 6 : W, hu);
        for (int streams : new int[] {1, 2}) {
            List<Integer> batches = java.util.Collections.synchronizedList(new ArrayList<>());
            Identity id = new Identity();
            var job = new FileSegmentation<>(new InfectionSegmenter(batch -> {
                batches.add(batch.size());
                return id.predict(batch);
            }, InfectionSegmenter.Options.DEFAULT.withEdges(false)));
            Path together = dir.resolve("together" + streams + hu);
            job.segmentAll(files, together, files, streams, (f, w) -> { });
            assertEquals(List.of(1, 1, 1, 4), batches.stream().sorted().toList(), "batch sizes, " + streams + " streams");
            Path alone = dir.resolve("alone" + streams + hu);
            for (Path f : files) {
                job.segment(f, alone, files, Progress.NONE);
            }
            for (int k = 0; k < 7; k++) {
                for (String out : List.of("s" + k + "_prob.tif", "s" + k + "_mask.png")) {
                    var a = org.infnet.io.ImageFiles.read(alone.resolve(out));
                    var t = org.infnet.io.ImageFiles.read(together.resolve(out));
                    assertEquals(a.width(), t.width(), out);
                    assertArrayEquals(a.pixels(), t.pixels(), out);
                }
            }
        }
    }

    @Test
    void aSingleStackIsSplitBetweenTheStreams() throws IOException {
        ij.ImageStack st = new ij.ImageStack(W, H);
        for (int z = 0; z < D; z++) {
            st.addSlice(new ByteProcessor(W, H, java.util.Arrays.copyOfRange(stack(), z * W * H, (z + 1) * W * H)));
        }
        Path tif = dir.resolve("stack.tif");
        new FileSaver(new ImagePlus("stack", st)).saveAsTiffStack(tif.toString());
        Identity id = new Identity();
        var job = new FileSegmentation<>(new InfectionSegmenter(id,
                new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2).withEdges(false))); // one stream in its own options
        job.segmentAll(List.of(tif), dir.resolve("out"), List.of(tif), 2, (f, w) -> { });
        assertEquals(2, id.threads.stream().filter(t -> t.startsWith("infnet-segment")).count(), "ran on " + id.threads);
    }

    @Test
    void segmentAllWritesEveryFileAndReportsInInputOrder() throws IOException {
        Path in = dir.resolve("in");
        List<Path> files = pngSlices(in, 6, k -> W);
        var job = new FileSegmentation<>(new InfectionSegmenter(new Identity(),
                InfectionSegmenter.Options.DEFAULT.withEdges(false)));
        Path out = dir.resolve("out");
        List<Path> seen = new ArrayList<>();
        job.segmentAll(files, out, files, 3, (f, w) -> {
            seen.add(f);
            assertEquals(W * H, w.pixels());
        });
        assertEquals(files, seen);
        for (int k = 0; k < 6; k++) {
            assertTrue(Files.exists(out.resolve("s" + k + "_prob.tif")) && Files.exists(out.resolve("s" + k + "_mask.png")),
                    "outputs of s" + k + " in " + out);
            assertTrue(Files.notExists(out.resolve("s" + k + "_edge.tif")), "no edge map without --edges");
        }
        Path empty = in.resolve("empty.png");
        Files.write(empty, new byte[0]);
        List<Path> withBad = new ArrayList<>(files);
        withBad.add(2, empty);
        IOException e = assertThrows(IOException.class,
                () -> job.segmentAll(withBad, dir.resolve("out2"), withBad, 3, (f, w) -> { }));
        assertTrue(e.getMessage().contains("empty.png"), e.getMessage());
    }
}
