package org.infnet.infer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Cast;
import net.imglib2.view.Views;
import org.infnet.io.AtomicFiles;
import org.infnet.image.HuWindow;
import org.infnet.io.ImageFiles;
import org.infnet.io.InputFile;
import org.infnet.util.Workers;
import org.infnet.io.nifti.NiftiReader;

/**
 * Segments image files with any network ({@link ImageSegmenter}) and writes the results ({@link Segmentation#maps}) for
 * an input {@code NAME.ext} as {@code NAME_SUFFIX.ext}: image inputs as images ({@link ImageResultWriter}: for the
 * infection network {@code NAME_prob.tif}, {@code NAME_mask.png} ({@code NAME_mask.tif} for a stack) and, when asked,
 * {@code NAME_edge.tif}; for the multi-class network {@code NAME_labels.png} (indexed colour, the class colours as
 * palette; {@code .tif} with the same LUT for a stack), {@code NAME_ggo_prob.tif} and {@code
 * NAME_consolidation_prob.tif}). A NIfTI input ({@code NAME.nii} or {@code NAME.nii.gz}, see {@link NiftiReader}: HU
 * values, canonical axial layout) is segmented slice by slice while it is read ({@link NiftiReader#start}) and gives
 * NIfTI volumes in the same layout and position ({@link NiftiResultWriter}: {@code NAME_prob.nii.gz} float32, {@code
 * NAME_mask.nii.gz} uint8 0/1, {@code NAME_labels.nii.gz} uint8 labels, ...). Inputs are files or folders (their image
 * files, not recursive), sorted once by kind ({@link InputFile}).
 *
 * <p>Safety: every file is written atomically; an input is never overwritten; two inputs with the same
 * base name are refused before anything is written, and so is an output folder that is one of the input
 * folders ({@link #checkOutputFolder}: its outputs would be taken as inputs by the next run). The outputs
 * of one input are all or nothing: when one of them cannot be written, those already written for that
 * input are deleted.
 *
 * @param <R> the network's result
 */
public final class FileSegmentation<R extends Segmentation> {

    /**
     * What was written for one input.
     *
     * @param input the input file
     * @param outputs files written
     * @param classPixels pixels of each label value of the counted output (a mask: not infected, infected)
     * @param pixels pixels in the image
     * @param warnings what the reader noticed and the user should be told (e.g. transparency ignored, an orientation
     *     assumed, no air in an image taken as HU), one sentence each without the file name
     */
    public record Written(Path input, List<Path> outputs, long[] classPixels, long pixels, List<String> warnings) {
        /** Pixels not of the background (label 0): the infected pixels of a mask. */
        public long infectedPixels() {
            return pixels - classPixels[0];
        }
    }

    private final ImageSegmenter<R> segmenter;

    /** Writes the results of {@code segmenter} (its options give threshold, window, batch, streams and edges). */
    public FileSegmentation(ImageSegmenter<R> segmenter) {
        this.segmenter = segmenter;
    }

    /** Expands files and folders into the image files to segment, sorted, checking name clashes. */
    public static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile).filter(InputFile::isInput).sorted().forEach(files::add);
                }
            } else if (Files.exists(p)) {
                files.add(p);
            } else {
                throw new IOException(p + ": no such file or folder");
            }
        }
        if (files.isEmpty()) {
            throw new IOException("no image files in " + inputs);
        }
        for (Path f : files) {
            if (f.toString().indexOf('\uFFFD') >= 0) { // LANG unset: the name cannot be decoded, nor its outputs named
                throw new IOException(ImageFiles.encodingProblem(f));
            }
        }
        Map<String, Path> seen = new HashMap<>();
        for (Path f : files) {
            String base = InputFile.of(f).baseName();
            Path other = seen.put(base, f);
            if (other != null) {
                throw new IOException("two inputs share the name '" + base + "': " + other + " and " + f
                        + " (their outputs would overwrite each other)");
            }
        }
        return files;
    }

    /**
     * Checks, before any work, that {@code outDir} can receive the outputs of {@code inputs} (the files
     * and folders the user gave): it must not be one of the input folders, and it must be a folder or
     * creatable as one (it is created).
     *
     * @throws IOException naming the folder and the problem
     */
    public static void checkOutputFolder(List<Path> inputs, Path outDir) throws IOException {
        for (Path in : inputs) {
            if (Files.isDirectory(in) && Files.isDirectory(outDir) && Files.isSameFile(in, outDir)) {
                throw new IOException("output folder " + outDir + " is the input folder " + in
                        + ": choose another output folder (outputs would mix with the inputs)");
            }
        }
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new IOException("output folder " + outDir + " is a file, not a folder");
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new IOException("cannot create output folder " + outDir + ": " + AtomicFiles.reason(e), e);
        }
        if (!Files.isWritable(outDir)) {
            throw new IOException("output folder " + outDir + " is not writable");
        }
    }

    /**
     * Segments {@code files} into {@code outDir}, up to {@code streams} groups of files at once (each on its own
     * thread; the engine's own threads are the caller's choice, see {@link
     * org.infnet.model.Engines#setIntraOpThreads}). A group is up to {@link ImageSegmenter#batchSize} consecutive
     * single-slice images (such as a folder of PNG slices): those of one size and pixel type go through the network
     * together, as one batch; stacks and volumes are groups of their own. With one group (say a volume or a stack) its
     * slices are split between the streams instead (the segmenter's own setting is not used here). {@code each}
     * receives the files' results in input order, on the calling thread. The first failure stops the run: files not
     * yet started are skipped, and the failure is rethrown once the running ones end.
     *
     * @throws IOException naming the file and the problem
     */
    public void segmentAll(List<Path> files, Path outDir, List<Path> protectedPaths, int streams,
            BiConsumer<Path, Written> each) throws IOException {
        List<List<InputFile>> groups = groups(files.stream().map(InputFile::of).toList(), segmenter.batchSize());
        if (streams <= 1 || groups.size() <= 1) {
            for (List<InputFile> g : groups) {
                report(g, segmentGroup(g, outDir, protectedPaths, Math.max(1, streams)), each);
            }
            return;
        }
        ExecutorService pool = Workers.pool("infnet-files", streams);
        AtomicBoolean failed = new AtomicBoolean();
        try {
            List<Future<List<Written>>> results = new ArrayList<>();
            for (List<InputFile> g : groups) {
                results.add(pool.submit(() -> {
                    if (failed.get()) {
                        return null;
                    }
                    try {
                        return segmentGroup(g, outDir, protectedPaths, 1);
                    } catch (IOException | RuntimeException | Error e) {
                        failed.set(true);
                        throw e;
                    }
                }));
            }
            for (int i = 0; i < groups.size(); i++) {
                List<Written> w = results.get(i).get();
                if (w != null) {
                    report(groups.get(i), w, each);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            failed.set(true);
            Throwable c = Workers.rethrowUnchecked(e.getCause());
            throw c instanceof IOException io ? io : new IOException(c);
        } finally {
            Workers.stop(pool, true);
        }
    }

    private static void report(List<InputFile> group, List<Written> written, BiConsumer<Path, Written> each) {
        for (int i = 0; i < group.size(); i++) {
            each.accept(group.get(i).path(), written.get(i));
        }
    }

    /** Consecutive runs of up to {@code size} files that are not NIfTI volumes; each NIfTI file on its own. */
    static List<List<InputFile>> groups(List<InputFile> files, int size) {
        List<List<InputFile>> groups = new ArrayList<>();
        List<InputFile> current = new ArrayList<>();
        for (InputFile f : files) {
            boolean volume = f.kind() == InputFile.Kind.NIFTI;
            if (volume || current.size() == size) {
                if (!current.isEmpty()) {
                    groups.add(current);
                }
                current = new ArrayList<>();
            }
            if (volume) {
                groups.add(List.of(f));
            } else {
                current.add(f);
            }
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /**
     * Segments a group of files (see {@link #segmentAll}) on {@code streams} threads: the single-slice images of one
     * size and pixel type in one network batch, the others one by one; every file's outputs all or nothing.
     */
    private List<Written> segmentGroup(List<InputFile> group, Path outDir, List<Path> protectedPaths, int streams)
            throws IOException {
        if (group.size() == 1) {
            return List.of(segment(group.get(0), outDir, protectedPaths, Progress.NONE, streams));
        }
        List<Opened> opened = new ArrayList<>();
        for (InputFile f : group) {
            opened.add(open(f));
        }
        Opened first = opened.get(0);
        boolean together = opened.stream().allMatch(o -> o.in.depth() == 1 && o.in.width() == first.in.width()
                && o.in.height() == first.in.height()
                && o.img().firstElement().getClass() == first.img().firstElement().getClass());
        List<Written> out = new ArrayList<>();
        if (!together) {
            for (Opened o : opened) {
                out.add(segment(o, outDir, protectedPaths, Progress.NONE, streams));
            }
            return out;
        }
        List<OutputMap> maps = segmentStack(opened, streams).maps();
        int plane = first.in.width() * first.in.height();
        for (int k = 0; k < opened.size(); k++) {
            Opened o = opened.get(k);
            int from = k * plane;
            List<OutputMap> mine = maps.stream().map(m -> m.range(from, plane)).toList();
            out.add(guarded(o.input, () -> new Segmented(mine, writer(o), o.warnings), outDir, protectedPaths));
        }
        return out;
    }

    /** One image file read for segmentation. */
    private record Opened(InputFile input, ImageFiles.SegmentationInput in, List<String> warnings) {
        Img<? extends RealType<?>> img() {
            return in.img();
        }
    }

    /** Reads an image file for segmentation ({@link ImageFiles#openAsSeen}); a failure names the file. */
    private Opened open(InputFile input) throws IOException {
        ImageFiles.SegmentationInput in = ImageFiles.openForSegmentation(input.path());
        List<String> warnings = new ArrayList<>(in.warnings());
        if (!(in.img().firstElement() instanceof UnsignedByteType)) {
            HuWindow.airWarning(in.img(), segmenter.window()).ifPresent(warnings::add);
        }
        return new Opened(input, in, List.copyOf(warnings));
    }

    private static ResultWriter writer(Opened o) {
        return new ImageResultWriter(o.in.width(), o.in.height(), o.in.depth(), o.in.cal());
    }

    /**
     * Single 8-bit or 32-bit array-image slices of one size as one array image (the segmenter reads those from their
     * storage, which a stacked view of the slices would make it read value by value), or null for other types and
     * for groups too large for one Java array.
     */
    private static RandomAccessibleInterval<?> oneArray(List<Opened> opened) {
        long w = opened.get(0).img().dimension(0);
        long h = opened.get(0).img().dimension(1);
        int n = opened.size();
        if (w * h * n > Integer.MAX_VALUE - 8 || !opened.stream().allMatch(o -> o.img() instanceof ArrayImg<?, ?>)) {
            return null;
        }
        int plane = (int) (w * h);
        if (opened.stream().allMatch(o -> o.img().firstElement() instanceof UnsignedByteType)) {
            byte[] all = new byte[plane * n];
            for (int k = 0; k < n; k++) {
                System.arraycopy(VolumeSegmenter.bytes(Cast.unchecked(opened.get(k).img())), 0, all, k * plane, plane);
            }
            return ArrayImgs.unsignedBytes(all, w, h, n);
        }
        if (opened.stream().allMatch(o -> o.img().firstElement() instanceof FloatType)) {
            float[] all = new float[plane * n];
            for (int k = 0; k < n; k++) {
                System.arraycopy(VolumeSegmenter.floats(Cast.unchecked(opened.get(k).img())), 0, all, k * plane, plane);
            }
            return ArrayImgs.floats(all, w, h, n);
        }
        return null;
    }

    /** Single slices of one size and type, segmented as one stack. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private R segmentStack(List<Opened> opened, int streams) throws IOException {
        RandomAccessibleInterval stack = oneArray(opened);
        if (stack == null) {
            List slices = new ArrayList<>();
            for (Opened o : opened) {
                slices.add(o.img());
            }
            stack = Views.stack(slices);
        }
        try {
            return (R) segmenter.segment(stack, SlicesReady.ALL, Progress.NONE, streams);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (e instanceof CancellationException) {
                throw e;
            }
            throw new IOException(opened.get(0).input.path() + " (segmented with " + (opened.size() - 1)
                    + " more slices of its size): " + e.getMessage(), e);
        }
    }

    /** What segments one input: its outputs and their writer. */
    @FunctionalInterface
    private interface Job {
        Segmented run() throws IOException;
    }

    /** A segmented input, ready to write. */
    private record Segmented(List<OutputMap> maps, ResultWriter writer, List<String> warnings) {}

    /**
     * Runs {@code job} for {@code input} and writes its outputs: all of them or none (those written are deleted on
     * failure), and a failure names the input.
     */
    private Written guarded(InputFile input, Job job, Path outDir, List<Path> protectedPaths) throws IOException {
        List<Path> written = new ArrayList<>();
        try (AtomicFiles.Group group = AtomicFiles.Group.begin()) { // deleted by a shutdown before commit
            Segmented s = job.run();
            Files.createDirectories(outDir);
            s.writer.write(input.baseName(), s.maps, outDir, protectedPaths.toArray(Path[]::new), written);
            OutputMap counted = s.maps.stream().filter(m -> m.bytes() != null).findFirst().orElseThrow();
            Written w = new Written(input.path(), List.copyOf(written), counted.counts(), counted.bytes().length,
                    s.warnings);
            group.commit();
            return w;
        } catch (IOException | RuntimeException e) {
            for (Path p : written) {
                Files.deleteIfExists(p);
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    && !(e instanceof CancellationException)) {
                throw new IOException(input.path() + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * Segments one file into {@code outDir} (created if needed) on the segmenter's own streams, writing all of its
     * outputs or none.
     *
     * @throws IOException naming the file and the problem
     * @throws java.util.concurrent.CancellationException when {@code progress} cancels (nothing is written)
     */
    public Written segment(Path input, Path outDir, List<Path> protectedPaths, Progress progress) throws IOException {
        return segment(InputFile.of(input), outDir, protectedPaths, progress, segmenter.streams());
    }

    private Written segment(InputFile input, Path outDir, List<Path> protectedPaths, Progress progress, int streams)
            throws IOException {
        if (input.kind() == InputFile.Kind.NIFTI) {
            return guarded(input, () -> segmentNifti(input, progress, streams), outDir, protectedPaths);
        }
        return segment(open(input), outDir, protectedPaths, progress, streams);
    }

    /** Segments an image file that has been read, and writes its outputs (all or none). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Written segment(Opened o, Path outDir, List<Path> protectedPaths, Progress progress, int streams)
            throws IOException {
        return guarded(o.input, () -> new Segmented(
                segmenter.segment((RandomAccessibleInterval) o.img(), SlicesReady.ALL, progress, streams).maps(),
                writer(o), o.warnings), outDir, protectedPaths);
    }

    /** Segments a NIfTI volume while it is read; only the geometry is kept (the HU volume can go once segmented). */
    private Segmented segmentNifti(InputFile input, Progress progress, int streams) throws IOException {
        long volumes = NiftiReader.readHeader(input.path()).volumes();
        if (volumes > 1) {
            throw new IOException(input.path() + ": holds " + volumes + " volumes (a 4D or 5D NIfTI file); only 3D"
                    + " volumes can be segmented: split it into one file per volume (e.g. fslsplit) and segment those");
        }
        List<String> warnings = new ArrayList<>();
        try (NiftiReader.Loading loading = NiftiReader.start(input.path())) { // slices are segmented as they are read
            warnings.addAll(loading.volume().warnings());
            R r = segmenter.segment(loading.volume().img(), loading::await, progress, streams);
            HuWindow.airWarning(loading.finish().data(), segmenter.window()).ifPresent(warnings::add);
            return new Segmented(r.maps(), new NiftiResultWriter(loading.volume().geometry()), List.copyOf(warnings));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
