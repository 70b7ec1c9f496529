package org.infnet.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import net.imglib2.img.array.ArrayImgs;
import org.infnet.io.HuWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segmentation split across several streams (threads) gives the one-stream result, and fails and cancels cleanly. */
class StreamsTest {

    @TempDir
    Path dir;

    private static final int W = 24;
    private static final int H = 20;
    private static final int D = 11;

    /** The stand-in network of {@link BadInputTest#identity}, recording the threads it ran on. */
    private static final class Identity implements InfectionSegmenter.BatchPredictor {
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public List<SlicePrediction> predict(List<UnitSlice> batch) {
            threads.add(Thread.currentThread().getName());
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

    private static InfectionSegmenter.Result run(InfectionSegmenter.BatchPredictor p, int streams, Progress progress) {
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

    @Test
    void segmentAllWritesEveryFileAndReportsInInputOrder() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        List<Path> files = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            ByteProcessor bp = new ByteProcessor(W, H);
            for (int i = 0; i < W * H; i++) {
                bp.set(i, (i * (k + 3)) % 256);
            }
            Path f = in.resolve("s" + k + ".png");
            new FileSaver(new ImagePlus("s" + k, bp)).saveAsPng(f.toString());
            files.add(f);
        }
        FileSegmentation job = new FileSegmentation(new InfectionSegmenter(new Identity(), InfectionSegmenter.Options.DEFAULT), false);
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
