package org.infnet.infer;

import static org.infnet.io.TestFiles.listing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.imglib2.FinalInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.ConstantUtils;
import org.infnet.image.HuWindow;
import org.infnet.io.ImageFiles;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs and faults of the segmentation core (see doc/bad-inputs.md): odd pixel types and sizes,
 * out-of-memory fallback, cancellation, concurrency, output folders and all-or-nothing outputs.
 */
class BadInputTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @TempDir
    static Path models;
    /** The compact network at 64x64 input (fast); {@link #tenThousandSquaredSliceIsSegmentedWithinTheHeap} uses 352. */
    static NetworkModel<InfNet> model;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        model = ModelKind.INFNET.load(TestModels.randomCompactSmallInput(models.resolve("m")), Device.cpu());
        model.freeze();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static InfectionSegmenter segmenter(int batch) {
        return new InfectionSegmenter(model, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, batch));
    }

    private static InfectionSegmenter noEdges(int batch) {
        return new InfectionSegmenter(model, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, batch).withEdges(false));
    }

    /** Gray pattern 0..255 that differs per slice {@code z}. */
    private static byte[] pattern(int w, int h, int z) {
        byte[] b = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                b[y * w + x] = (byte) ((x * 7 + y * 3 + z * 50) % 256);
            }
        }
        return b;
    }

    /** HU values covering the lung window and beyond. */
    private static float[] hu(int w, int h) {
        float[] v = new float[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = -1400f + (i * 37 % 1700);
        }
        return v;
    }

    private static float[] probability(InfectionSegmenter s, float[] huValues, int w, int h) {
        return InfectionSegmenter.floats(s.segment(ArrayImgs.floats(huValues, w, h), Progress.NONE).probability());
    }

    private static float[] probabilityOfFile(Path outDir, String base) throws IOException {
        return ImageFiles.read(outDir.resolve(base + "_prob.tif")).pixels();
    }

    private FileSegmentation.Written segmentFile(Path input, Path out) throws IOException {
        return new FileSegmentation<>(noEdges(4)).segment(input, out, List.of(input), Progress.NONE);
    }

    private static void save(ImagePlus imp, Path file) {
        FileSaver fs = new FileSaver(imp);
        boolean ok = file.toString().endsWith(".png") ? fs.saveAsPng(file.toString())
                : imp.getStackSize() > 1 ? fs.saveAsTiffStack(file.toString()) : fs.saveAsTiff(file.toString());
        assertTrue(ok, "test fixture " + file);
    }

    // ---- sizes -------------------------------------------------------------------------------------

    @Test
    void emptyImageIsRefusedWithItsSize() {
        var noColumns = ConstantUtils.constantRandomAccessibleInterval(new FloatType(0),
                new FinalInterval(new long[] {0, 0}, new long[] {-1, 39}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> segmenter(4).segment(noColumns, Progress.NONE));
        assertEquals("image is empty (0x40)", e.getMessage());
        var noSlices = ConstantUtils.constantRandomAccessibleInterval(new FloatType(0),
                new FinalInterval(new long[] {0, 0, 0}, new long[] {15, 15, -1}));
        e = assertThrows(IllegalArgumentException.class, () -> segmenter(4).segment(noSlices, Progress.NONE));
        assertEquals("image is empty (16x16x0)", e.getMessage());
    }

    @Test
    void onePixelImageFileGivesOnePixelOutputs() throws IOException {
        Path in = dir.resolve("dot.png");
        ImageFiles.writePng8(in, new byte[] {(byte) 200}, 1, 1);
        Path out = dir.resolve("out");
        FileSegmentation.Written w = segmentFile(in, out);
        assertEquals(1, w.pixels());
        assertEquals(List.of("dot_mask.png", "dot_prob.tif"), listing(out));
        float[] p = probabilityOfFile(out, "dot");
        assertEquals(1, p.length);
        // a 1x1 slice is a constant slice: same probability as a constant 64x64 slice of that value
        byte[] constant = new byte[64 * 64];
        Arrays.fill(constant, (byte) 200);
        float[] big = InfectionSegmenter.floats(
                segmenter(1).segment(ArrayImgs.unsignedBytes(constant, 64, 64), Progress.NONE).probability());
        assertEquals(big[32 * 64 + 32], p[0], 1e-5f);
    }

    @Test
    void tenThousandSquaredSliceIsSegmentedWithinTheHeap() throws IOException {
        try (NetworkModel<InfNet> compact = ModelKind.INFNET.load(TestModels.randomCompact(dir.resolve("compact")), Device.cpu())) {
            compact.freeze();
            segmentTenThousandSquared(new InfectionSegmenter(compact, InfectionSegmenter.Options.DEFAULT));
        }
    }

    private static void segmentTenThousandSquared(InfectionSegmenter segmenter) {
        int n = 10_000;
        byte[] px = new byte[n * n];
        for (int y = 0; y < n; y += 1) {
            Arrays.fill(px, y * n, y * n + n, (byte) (y * 255L / n));
        }
        InfectionSegmenter.Result r = segmenter.segment(ArrayImgs.unsignedBytes(px, n, n), Progress.NONE);
        assertArrayEquals(new long[] {n, n}, r.probability().dimensionsAsLongArray());
        assertArrayEquals(new long[] {n, n}, r.mask().dimensionsAsLongArray());
        float[] p = InfectionSegmenter.floats(r.probability());
        byte[] m = InfectionSegmenter.bytes(r.mask());
        for (int i = 0; i < p.length; i += 9973) {
            assertTrue(p[i] >= 0 && p[i] <= 1, "probability " + p[i]);
            assertEquals(p[i] >= 0.5f ? (byte) 255 : 0, m[i]);
        }
    }

    @Test
    void imageTooLargeForJavaArraysIsRefusedBeforeAllocating() {
        var huge = ConstantUtils.constantRandomAccessibleInterval(new FloatType(0), new FinalInterval(10_000, 10_000, 30));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> segmenter(4).segment(huge, Progress.NONE));
        assertTrue(e.getMessage().startsWith("image of 10000x10000x30 = 3000000000 voxels is too large"), e.getMessage());
        assertTrue(e.getMessage().contains("split the stack"), e.getMessage());
    }

    @Test
    void hyperstackImagesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> segmenter(4).segment(ArrayImgs.floats(8, 8, 2, 3), Progress.NONE));
        assertEquals("expected a 2D slice or a 3D stack of slices, got 4 dimensions", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> segmenter(4).segment(ArrayImgs.floats(8, 8, 2, 3, 2), Progress.NONE));
        assertEquals("expected a 2D slice or a 3D stack of slices, got 5 dimensions", e.getMessage());
    }

    @Test
    void hyperstackFilesAreRefusedNamingTheFileAndNothingIsWritten() throws IOException {
        for (int[] czt : new int[][] {{2, 3, 1}, {2, 2, 2}}) {
            ImageStack st = new ImageStack(16, 12);
            for (int i = 0; i < czt[0] * czt[1] * czt[2]; i++) {
                st.addSlice(new ByteProcessor(16, 12, pattern(16, 12, i)));
            }
            ImagePlus imp = new ImagePlus("hyper", st);
            imp.setDimensions(czt[0], czt[1], czt[2]);
            imp.setOpenAsHyperStack(true);
            Path in = dir.resolve("hyper" + czt[2] + ".tif");
            save(imp, in);
            Path out = dir.resolve("out");
            IOException e = assertThrows(IOException.class, () -> segmentFile(in, out));
            assertTrue(e.getMessage().startsWith(in + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("c=2") && e.getMessage().contains("t=" + czt[2])
                    && e.getMessage().contains("only 2D images or single-channel, single-frame Z stacks"), e.getMessage());
            assertEquals(List.of(), listing(out));
        }
    }

    // ---- pixel types -------------------------------------------------------------------------------

    @Test
    void rgbFileIsSegmentedAsItsLuminance() throws IOException {
        int w = 48;
        int h = 40;
        byte[] g = pattern(w, h, 0);
        int[] rgb = new int[g.length];
        for (int i = 0; i < g.length; i++) {
            int v = g[i] & 0xff;
            rgb[i] = v << 16 | v << 8 | v;
        }
        Path color = dir.resolve("color.png");
        save(new ImagePlus("c", new ColorProcessor(w, h, rgb)), color);
        Path gray = dir.resolve("gray.png");
        ImageFiles.writePng8(gray, g, w, h);
        Path out = dir.resolve("out");
        segmentFile(color, out);
        segmentFile(gray, out);
        assertArrayEquals(probabilityOfFile(out, "gray"), probabilityOfFile(out, "color"), 0f);
    }

    @Test
    void sixteenBitFileIsTakenAsHuThroughItsCalibration() throws IOException {
        int w = 40;
        int h = 32;
        float[] huValues = hu(w, h);
        short[] raw = new short[huValues.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (short) (huValues[i] + 1024); // stored = HU + 1024, as CT scanners do
        }
        ImagePlus imp = new ImagePlus("ct16", new ShortProcessor(w, h, raw, null));
        Calibration cal = imp.getCalibration();
        cal.setFunction(Calibration.STRAIGHT_LINE, new double[] {-1024, 1}, "HU");
        Path in = dir.resolve("ct16.tif");
        save(imp, in);
        Path out = dir.resolve("out");
        segmentFile(in, out);
        assertArrayEquals(probability(segmenter(4), huValues, w, h), probabilityOfFile(out, "ct16"), 1e-6f);
    }

    @Test
    void thirtyTwoBitFileIsTakenAsHu() throws IOException {
        int w = 40;
        int h = 32;
        float[] huValues = hu(w, h);
        Path in = dir.resolve("ct32.tif");
        save(new ImagePlus("ct32", new FloatProcessor(w, h, huValues.clone())), in);
        Path out = dir.resolve("out");
        segmentFile(in, out);
        assertArrayEquals(probability(segmenter(4), huValues, w, h), probabilityOfFile(out, "ct32"), 1e-6f);
    }

    @Test
    void nanPixelsCountAsTheBottomOfTheWindow() {
        int w = 40;
        int h = 40;
        float[] withNan = hu(w, h);
        float[] withLow = withNan.clone();
        for (int i = 100; i < 400; i += 3) {
            withNan[i] = Float.NaN;
            withLow[i] = (float) HuWindow.LUNG.lower();
        }
        float[] a = probability(segmenter(4), withNan, w, h);
        assertArrayEquals(probability(segmenter(4), withLow, w, h), a, 0f);
        for (float v : a) {
            assertFalse(Float.isNaN(v));
        }
    }

    @Test
    void infinitePixelsAreClampedToTheWindow() {
        int w = 40;
        int h = 40;
        float[] withInf = hu(w, h);
        float[] clamped = withInf.clone();
        for (int i = 50; i < 500; i += 5) {
            boolean up = i % 2 == 0;
            withInf[i] = up ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            clamped[i] = (float) (up ? HuWindow.LUNG.upper() : HuWindow.LUNG.lower());
        }
        assertArrayEquals(probability(segmenter(4), clamped, w, h), probability(segmenter(4), withInf, w, h), 0f);
    }

    // ---- memory, cancellation, concurrency ---------------------------------------------------------

    private static byte[] stack(int w, int h, int depth) {
        byte[] b = new byte[w * h * depth];
        for (int z = 0; z < depth; z++) {
            System.arraycopy(pattern(w, h, z), 0, b, z * w * h, w * h);
        }
        return b;
    }

    /** A stand-in network: probability = the windowed pixel, edge = 1 - it (exact, instant). */
    static List<SlicePrediction> identity(List<UnitSlice> batch) {
        List<SlicePrediction> out = new ArrayList<>();
        for (UnitSlice s : batch) {
            float[] e = new float[s.pixels().length];
            for (int i = 0; i < e.length; i++) {
                e[i] = 1 - s.pixels()[i];
            }
            out.add(new SlicePrediction(s.width(), s.height(), s.pixels().clone(), e));
        }
        return out;
    }

    private static void assertIdentityResult(byte[] px, InfectionSegmenter.Result r) {
        float[] p = InfectionSegmenter.floats(r.probability());
        for (int i = 0; i < px.length; i++) {
            assertEquals((px[i] & 0xff) / 255f, p[i], 0f, "voxel " + i);
        }
    }

    @Test
    void outOfMemoryOnABatchFallsBackToSmallerBatches() {
        int w = 36;
        int h = 30;
        byte[] px = stack(w, h, 7);
        List<Integer> tried = new ArrayList<>();
        Predictor<SlicePrediction> limited = batch -> {
            tried.add(batch.size());
            if (batch.size() > 3) {
                throw new EngineException("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate"
                        + " memory: you tried to allocate 9663676416 bytes");
            }
            return identity(batch);
        };
        List<String> messages = new ArrayList<>();
        Progress progress = new Progress() {
            @Override
            public void update(int done, int total, String what) {
                messages.add(what);
            }
        };
        InfectionSegmenter.Result r = new InfectionSegmenter(limited, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 8))
                .segment(ArrayImgs.unsignedBytes(px, w, h, 7), progress);
        assertEquals(List.of(7, 3, 3, 1), tried, "7 fails, then batches of 3 (kept), then the last slice");
        assertEquals("out of memory with 7 slices per batch; retrying with 3", messages.get(0));
        assertEquals(List.of("slice 3/7", "slice 6/7", "slice 7/7"), messages.subList(1, messages.size()));
        assertIdentityResult(px, r);
    }

    @Test
    void javaOutOfMemoryErrorAlsoHalvesTheBatch() {
        List<Integer> tried = new ArrayList<>();
        Predictor<SlicePrediction> limited = batch -> {
            tried.add(batch.size());
            if (batch.size() > 1) {
                throw new OutOfMemoryError("Java heap space");
            }
            return identity(batch);
        };
        byte[] px = stack(20, 20, 4);
        InfectionSegmenter.Result r = new InfectionSegmenter(limited, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 4))
                .segment(ArrayImgs.unsignedBytes(px, 20, 20, 4), Progress.NONE);
        assertEquals(List.of(4, 2, 1, 1, 1, 1), tried);
        assertIdentityResult(px, r);
    }

    @Test
    void outOfMemoryForOneSliceIsOneClearErrorAndOtherEngineErrorsAreNotRetried() {
        Predictor<SlicePrediction> never = batch -> {
            throw new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB");
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new InfectionSegmenter(never, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2))
                        .segment(ArrayImgs.unsignedBytes(stack(20, 10, 3), 20, 10, 3), Progress.NONE));
        assertEquals("out of memory segmenting one 20x10 slice (CUDA out of memory. Tried to allocate 2.00 GiB)",
                e.getMessage());
        List<Integer> tried = new ArrayList<>();
        Predictor<SlicePrediction> broken = batch -> {
            tried.add(batch.size());
            throw new EngineException("expected input with 3 channels");
        };
        EngineException other = assertThrows(EngineException.class,
                () -> new InfectionSegmenter(broken, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2))
                        .segment(ArrayImgs.unsignedBytes(stack(20, 10, 3), 20, 10, 3), Progress.NONE));
        assertEquals("expected input with 3 channels", other.getMessage());
        assertEquals(List.of(2), tried);
    }

    /**
     * Segments {@code in} in batches of two with a progress that cancels once the first batch is reported, checks
     * that the run stopped there and wrote nothing to {@code out}, and returns the job (for a run to the end).
     */
    private FileSegmentation<InfectionSegmenter.Result> cancelAfterFirstBatch(Path in, Path out, boolean edges) throws IOException {
        List<Integer> done = new ArrayList<>();
        Progress cancelAfterFirstBatch = new Progress() {
            @Override
            public void update(int n, int total, String what) {
                done.add(n);
            }

            @Override
            public boolean cancelled() {
                return !done.isEmpty();
            }
        };
        var job = new FileSegmentation<>(new InfectionSegmenter(BadInputTest::identity,
                new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 2).withEdges(edges)));
        assertThrows(CancellationException.class, () -> job.segment(in, out, List.of(in), cancelAfterFirstBatch));
        assertEquals(List.of(2), done, "one batch of two slices ran, then the run stopped");
        assertEquals(List.of(), listing(out));
        return job;
    }

    @Test
    void cancelMidRunStopsBetweenBatchesAndWritesNothing() throws IOException {
        ImageStack st = new ImageStack(24, 20);
        for (int z = 0; z < 6; z++) {
            st.addSlice(new ByteProcessor(24, 20, pattern(24, 20, z)));
        }
        Path in = dir.resolve("stack.tif");
        save(new ImagePlus("stack", st), in);
        Path out = dir.resolve("out");
        var job = cancelAfterFirstBatch(in, out, true);
        // the same job runs to the end afterwards
        assertEquals(3, job.segment(in, out, List.of(in), Progress.NONE).outputs().size());
    }

    @Test
    void cancelMidVolumeStopsItsReaderAndWritesNothing() throws IOException {
        Path in = ctVolume("cancelled-ct.nii.gz", 40);
        Path out = dir.resolve("out");
        var job = cancelAfterFirstBatch(in, out, false);
        for (Thread t : Thread.getAllStackTraces().keySet()) { // a pool thread left running would never end
            if (t.getName().startsWith("infnet-nifti-read cancelled-ct.nii.gz")) {
                assertDoesNotThrow(() -> t.join(10_000));
                assertFalse(t.isAlive(), "the volume's reader has ended");
            }
        }
        FileSegmentation.Written all = job.segment(in, out, List.of(in), Progress.NONE);
        assertEquals(2, all.outputs().size());
        assertEquals(24L * 20 * 40, all.pixels());
    }

    /** A 24x20 float32 HU volume of {@code depth} slices (a repeating ramp over -1000..400) as {@code name}. */
    private Path ctVolume(String name, int depth) throws IOException {
        float[] hu = new float[24 * 20 * depth];
        for (int i = 0; i < hu.length; i++) {
            hu[i] = -1000 + (i * 37) % 1400;
        }
        Path in = dir.resolve(name);
        org.infnet.io.nifti.NiftiWriter.writeFloat32(in, org.infnet.io.nifti.NiftiGeometry.of(24, 20, depth,
                new org.infnet.image.Calibration3D(0.7, 0.7, 5, "mm")), hu);
        return in;
    }

    @Test
    void volumeWhoseProbabilityOrMaskCannotBeWrittenLeavesNeitherFile() throws IOException {
        // the two files are written at once (probabilities on a worker): whichever fails, the other is removed
        Path in = ctVolume("ct.nii.gz", 6);
        var job = new FileSegmentation<>(noEdges(4));
        for (String blocked : new String[] {"ct_prob.nii.gz", "ct_mask.nii.gz"}) {
            Path out = dir.resolve("out-" + blocked);
            Files.createDirectories(out.resolve(blocked).resolve("in-the-way")); // a folder where the file goes
            IOException e = assertThrows(IOException.class, () -> job.segment(in, out, List.of(in), Progress.NONE));
            assertTrue(e.getMessage().contains(blocked), e.getMessage());
            try (Stream<Path> left = Files.list(out)) {
                assertEquals(List.of(out.resolve(blocked)), left.toList(), "only the folder in the way is left");
            }
        }
        Path out = dir.resolve("out-free");
        assertEquals(2, job.segment(in, out, List.of(in), Progress.NONE).outputs().size());
    }

    @Test
    void twoSegmentationsAtOnceInOneJvmBothGiveTheSequentialResults() throws Exception {
        int w = 64;
        int h = 56;
        int d = 4;
        byte[] a = stack(w, h, d);
        byte[] b = new byte[a.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (255 - a[i]);
        }
        float[] expectA = InfectionSegmenter.floats(segmenter(2).segment(ArrayImgs.unsignedBytes(a, w, h, d), Progress.NONE)
                .probability());
        float[] expectB = InfectionSegmenter.floats(segmenter(3).segment(ArrayImgs.unsignedBytes(b, w, h, d), Progress.NONE)
                .probability());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 2; round++) {
                Future<float[]> fa = pool.submit(() -> InfectionSegmenter.floats(
                        segmenter(2).segment(ArrayImgs.unsignedBytes(a, w, h, d), Progress.NONE).probability()));
                Future<float[]> fb = pool.submit(() -> InfectionSegmenter.floats(
                        segmenter(3).segment(ArrayImgs.unsignedBytes(b, w, h, d), Progress.NONE).probability()));
                assertArrayEquals(expectA, fa.get(), 1e-5f);
                assertArrayEquals(expectB, fb.get(), 1e-5f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- output folders and partial outputs --------------------------------------------------------

    @Test
    void outputFolderEqualToAnInputFolderIsRefused() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("cases"));
        ImageFiles.writePng8(folder.resolve("a.png"), pattern(8, 8, 0), 8, 8);
        IOException e = assertThrows(IOException.class,
                () -> FileSegmentation.checkOutputFolder(List.of(folder), folder.resolve(".").resolve("..").resolve("cases")));
        assertTrue(e.getMessage().contains("is the input folder " + folder), e.getMessage());
        assertTrue(e.getMessage().contains("choose another output folder"), e.getMessage());
        assertEquals(List.of("a.png"), listing(folder));
    }

    @Test
    void outputNamedLikeAnInputFileIsRefusedAndTheInputKept() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("cases"));
        Path a = folder.resolve("a.png");
        ImageFiles.writePng8(a, pattern(8, 8, 0), 8, 8);
        Path aProb = folder.resolve("a_prob.tif");
        save(new ImagePlus("a_prob", new FloatProcessor(8, 8, hu(8, 8))), aProb);
        byte[] before = Files.readAllBytes(aProb);
        // files (not the folder) given: writing beside them is allowed, but a_prob.tif is an input
        FileSegmentation.checkOutputFolder(List.of(a, aProb), folder);
        IOException e = assertThrows(IOException.class, () -> new FileSegmentation<>(noEdges(4))
                .segment(a, folder, List.of(a, aProb), Progress.NONE));
        assertTrue(e.getMessage().contains("Refusing to overwrite protected input file " + aProb), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(aProb));
        assertEquals(List.of("a.png", "a_prob.tif"), listing(folder));
    }

    @Test
    void outputFolderThatIsAFileOrCannotBeCreatedIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        IOException e = assertThrows(IOException.class, () -> FileSegmentation.checkOutputFolder(List.of(), file));
        assertEquals("output folder " + file + " is a file, not a folder", e.getMessage());
        Path below = file.resolve("out");
        e = assertThrows(IOException.class, () -> FileSegmentation.checkOutputFolder(List.of(), below));
        assertEquals("cannot create output folder " + below + ": Not a directory", e.getMessage());
    }

    @Test
    void aFailedWriteRemovesTheOutputsAlreadyWrittenForThatInput() throws IOException {
        Path in = dir.resolve("case.png");
        ImageFiles.writePng8(in, pattern(20, 20, 0), 20, 20);
        Path out = Files.createDirectories(dir.resolve("out"));
        // the mask cannot be written (a folder has its name) after the probability map was
        Files.createDirectories(out.resolve("case_mask.png"));
        IOException e = assertThrows(IOException.class, () -> segmentFile(in, out));
        assertEquals("Output path " + out.resolve("case_mask.png") + " is a directory", e.getMessage());
        assertEquals(List.of("case_mask.png"), listing(out), "case_prob.tif was removed, no temporary file left");
    }
}
