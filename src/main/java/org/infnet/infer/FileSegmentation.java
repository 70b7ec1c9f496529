package org.infnet.infer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.infnet.image.Calibration3D;
import org.infnet.image.HuWindow;
import org.infnet.io.ImageFiles;
import org.infnet.util.Workers;
import org.infnet.io.nifti.NiftiGeometry;
import org.infnet.io.nifti.NiftiReader;
import org.infnet.io.nifti.NiftiWriter;

/**
 * Segments image files and writes the results: for an input {@code NAME.ext}, {@code NAME_prob.tif}
 * (32-bit probability), {@code NAME_mask.png} (0/255; {@code NAME_mask.tif} for a stack) and, when
 * asked, {@code NAME_edge.tif}. A NIfTI input ({@code NAME.nii} or {@code NAME.nii.gz}, see
 * {@link NiftiReader}: HU values, canonical axial layout) is segmented slice by slice while it is read
 * ({@link NiftiReader#start}) and gives NIfTI volumes in the same layout and position:
 * {@code NAME_prob.nii.gz} (float32), {@code NAME_mask.nii.gz} (uint8, 0/1) and, when asked,
 * {@code NAME_edge.nii.gz}. Inputs are files or folders (their image files, not recursive).
 *
 * <p>Safety: every file is written atomically; an input is never overwritten; two inputs with the same
 * base name are refused before anything is written, and so is an output folder that is one of the input
 * folders ({@link #checkOutputFolder}: its outputs would be taken as inputs by the next run). The outputs
 * of one input are all or nothing: when one of them cannot be written, those already written for that
 * input are deleted.
 */
public final class FileSegmentation {

    /**
     * What was written for one input.
     *
     * @param input the input file
     * @param outputs files written
     * @param infectedPixels pixels at or above the threshold
     * @param pixels pixels in the image
     * @param warnings what the reader noticed and the user should be told (e.g. transparency ignored, an orientation
     *     assumed, no air in an image taken as HU), one sentence each without the file name
     */
    public record Written(Path input, List<Path> outputs, long infectedPixels, long pixels, List<String> warnings) {}

    private final InfectionSegmenter segmenter;

    /** @param segmenter the segmenter (its options give threshold and window); @param edges write edge maps */
    public FileSegmentation(InfectionSegmenter segmenter, boolean edges) {
        this.segmenter = segmenter.with(segmenter.options().withEdges(edges));
    }

    /** Expands files and folders into the image files to segment, sorted, checking name clashes. */
    public static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile).filter(FileSegmentation::isImage).sorted().forEach(files::add);
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
            Path other = seen.put(baseName(f), f);
            if (other != null) {
                throw new IOException("two inputs share the name '" + baseName(f) + "': " + other + " and " + f
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

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0
                && (ImageFiles.IMAGE_EXTENSIONS.contains(n.substring(dot + 1)) || n.endsWith(".dcm")
                        || NiftiReader.isNifti(p));
    }

    static String baseName(Path p) {
        if (NiftiReader.isNifti(p)) {
            return NiftiReader.baseName(p);
        }
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /**
     * Segments {@code files} into {@code outDir}, up to {@code streams} groups of files at once (each on its own
     * thread; the engine's own threads are the caller's choice, see {@link
     * org.infnet.model.Engines#setIntraOpThreads}). A group is up to {@link InfectionSegmenter.Options#batchSize}
     * consecutive single-slice images (such as a folder of PNG slices): those of one size and pixel type go through
     * the network together, as one batch; stacks and volumes are groups of their own. With one group (say a volume or
     * a stack) its slices are split between the streams instead ({@link
     * InfectionSegmenter.Options#streams}; the segmenter's own setting is not used here). {@code each} receives the
     * files' results in input order, on the calling thread. The first failure stops the run: files not yet started
     * are skipped, and the failure is rethrown once the running ones end.
     *
     * @throws IOException naming the file and the problem
     */
    public void segmentAll(List<Path> files, Path outDir, List<Path> protectedPaths, int streams,
            BiConsumer<Path, Written> each) throws IOException {
        List<List<Path>> groups = groups(files, segmenter.options().batchSize());
        if (streams <= 1 || groups.size() <= 1) {
            FileSegmentation job = withStreams(Math.max(1, streams));
            for (List<Path> g : groups) {
                report(g, job.segmentGroup(g, outDir, protectedPaths), each);
            }
            return;
        }
        FileSegmentation job = withStreams(1);
        ExecutorService pool = Workers.pool("infnet-files", streams);
        AtomicBoolean failed = new AtomicBoolean();
        try {
            List<Future<List<Written>>> results = new ArrayList<>();
            for (List<Path> g : groups) {
                results.add(pool.submit(() -> {
                    if (failed.get()) {
                        return null;
                    }
                    try {
                        return job.segmentGroup(g, outDir, protectedPaths);
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

    /** This job with its slices split between {@code n} streams. */
    private FileSegmentation withStreams(int n) {
        return new FileSegmentation(segmenter.with(segmenter.options().withStreams(n)), segmenter.options().edges());
    }

    private static void report(List<Path> group, List<Written> written, BiConsumer<Path, Written> each) {
        for (int i = 0; i < group.size(); i++) {
            each.accept(group.get(i), written.get(i));
        }
    }

    /** Consecutive runs of up to {@code size} files that are not NIfTI volumes; each NIfTI file on its own. */
    static List<List<Path>> groups(List<Path> files, int size) {
        List<List<Path>> groups = new ArrayList<>();
        List<Path> current = new ArrayList<>();
        for (Path f : files) {
            if (NiftiReader.isNifti(f) || current.size() == size) {
                if (!current.isEmpty()) {
                    groups.add(current);
                }
                current = new ArrayList<>();
            }
            if (NiftiReader.isNifti(f)) {
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
     * Segments a group of files (see {@link #segmentAll}): the single-slice images of one size and pixel type in one
     * network batch, the others one by one; every file's outputs all or nothing.
     */
    private List<Written> segmentGroup(List<Path> group, Path outDir, List<Path> protectedPaths) throws IOException {
        if (group.size() == 1) {
            return List.of(segment(group.get(0), outDir, protectedPaths, Progress.NONE));
        }
        List<Opened> opened = new ArrayList<>();
        for (Path f : group) {
            opened.add(open(f));
        }
        Opened first = opened.get(0);
        boolean together = opened.stream().allMatch(o -> o.in.depth() == 1 && o.in.width() == first.in.width()
                && o.in.height() == first.in.height()
                && o.img().firstElement().getClass() == first.img().firstElement().getClass());
        List<Written> out = new ArrayList<>();
        if (!together) {
            for (Opened o : opened) {
                out.add(segment(o, outDir, protectedPaths, Progress.NONE));
            }
            return out;
        }
        InfectionSegmenter.Result r = segmentStack(opened);
        int plane = first.in.width() * first.in.height();
        for (int k = 0; k < opened.size(); k++) {
            Opened o = opened.get(k);
            int from = k * plane;
            out.add(guarded(o.input, written -> writeImage(o, slice(r, from, plane, o.img().dimensionsAsLongArray()),
                    outDir, protectedPaths, written)));
        }
        return out;
    }

    /** One image file read for segmentation. */
    private record Opened(Path input, ImageFiles.SegmentationInput in, List<String> warnings) {
        Img<? extends RealType<?>> img() {
            return in.img();
        }
    }

    /** Reads an image file for segmentation ({@link ImageFiles#openAsSeen}); a failure names the file. */
    private Opened open(Path input) throws IOException {
        ImageFiles.SegmentationInput in = ImageFiles.openForSegmentation(input);
        List<String> warnings = new ArrayList<>(in.warnings());
        if (!(in.img().firstElement() instanceof UnsignedByteType)) {
            HuWindow.airWarning(in.img(), segmenter.options().window()).ifPresent(warnings::add);
        }
        return new Opened(input, in, List.copyOf(warnings));
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
                System.arraycopy(InfectionSegmenter.bytes(Cast.unchecked(opened.get(k).img())), 0, all, k * plane, plane);
            }
            return ArrayImgs.unsignedBytes(all, w, h, n);
        }
        if (opened.stream().allMatch(o -> o.img().firstElement() instanceof FloatType)) {
            float[] all = new float[plane * n];
            for (int k = 0; k < n; k++) {
                System.arraycopy(InfectionSegmenter.floats(Cast.unchecked(opened.get(k).img())), 0, all, k * plane, plane);
            }
            return ArrayImgs.floats(all, w, h, n);
        }
        return null;
    }

    /** Single slices of one size and type, segmented as one stack. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private InfectionSegmenter.Result segmentStack(List<Opened> opened) throws IOException {
        RandomAccessibleInterval stack = oneArray(opened);
        if (stack == null) {
            List slices = new ArrayList<>();
            for (Opened o : opened) {
                slices.add(o.img());
            }
            stack = Views.stack(slices);
        }
        try {
            return segmentRaw(stack, Progress.NONE);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (e instanceof CancellationException) {
                throw e;
            }
            throw new IOException(opened.get(0).input + " (segmented with " + (opened.size() - 1)
                    + " more slices of its size): " + e.getMessage(), e);
        }
    }

    /** The outputs of one slice of a stack's result, with the slice's own dimensions. */
    private static InfectionSegmenter.Result slice(InfectionSegmenter.Result r, int from, int plane, long[] dims) {
        float[] prob = Arrays.copyOfRange(InfectionSegmenter.floats(r.probability()), from, from + plane);
        byte[] mask = Arrays.copyOfRange(InfectionSegmenter.bytes(r.mask()), from, from + plane);
        float[] edge = r.edge() == null ? null
                : Arrays.copyOfRange(InfectionSegmenter.floats(r.edge()), from, from + plane);
        return new InfectionSegmenter.Result(ArrayImgs.floats(prob, dims), ArrayImgs.unsignedBytes(mask, dims),
                edge == null ? null : ArrayImgs.floats(edge, dims));
    }

    /** What writes one input's outputs, adding each file written to the list it is given. */
    @FunctionalInterface
    private interface Outputs {
        Written write(List<Path> written) throws IOException;
    }

    /**
     * Runs {@code outputs} for {@code input}: all of them or none (those written are deleted on failure), and a
     * failure names the input.
     */
    private static Written guarded(Path input, Outputs outputs) throws IOException {
        List<Path> written = new ArrayList<>();
        try (AtomicFiles.Group group = AtomicFiles.Group.begin()) { // deleted by a shutdown before commit
            Written w = outputs.write(written);
            group.commit();
            return w;
        } catch (IOException | RuntimeException e) {
            for (Path p : written) {
                Files.deleteIfExists(p);
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    && !(e instanceof CancellationException)) {
                throw new IOException(input + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * Segments one file into {@code outDir} (created if needed), writing all of its outputs or none.
     *
     * @throws IOException naming the file and the problem
     * @throws java.util.concurrent.CancellationException when {@code progress} cancels (nothing is written)
     */
    public Written segment(Path input, Path outDir, List<Path> protectedPaths, Progress progress) throws IOException {
        if (NiftiReader.isNifti(input)) {
            return guarded(input, written -> segmentNifti(input, outDir, protectedPaths, progress, written));
        }
        return segment(open(input), outDir, protectedPaths, progress);
    }

    /** Segments an image file that has been read, and writes its outputs (all or none). */
    private Written segment(Opened o, Path outDir, List<Path> protectedPaths, Progress progress) throws IOException {
        return guarded(o.input, written -> writeImage(o, segmentRaw(o.img(), progress), outDir, protectedPaths, written));
    }

    /** Writes the outputs of an image file's segmentation {@code r}. */
    private Written writeImage(Opened o, InfectionSegmenter.Result r, Path outDir, List<Path> protectedPaths,
            List<Path> written) throws IOException {
        Path input = o.input;
        Calibration3D cal = o.in.cal();
        Files.createDirectories(outDir);
        String base = baseName(input);
        int w = o.in.width();
        int h = o.in.height();
        int d = o.in.depth();
        Path[] prot = protectedPaths.toArray(Path[]::new);
        Path prob = outDir.resolve(base + "_prob.tif");
        ImageFiles.writeFloatTiff(prob, InfectionSegmenter.floats(r.probability()), w, h, d, base + "_prob", cal, prot);
        written.add(prob);
        byte[] mask = InfectionSegmenter.bytes(r.mask());
        Path maskFile = outDir.resolve(base + (d == 1 ? "_mask.png" : "_mask.tif"));
        if (d == 1) {
            ImageFiles.writePng8(maskFile, mask, w, h, prot);
        } else {
            ImageFiles.writeByteTiff(maskFile, mask, w, h, d, base + "_mask", cal, null, prot);
        }
        written.add(maskFile);
        if (segmenter.options().edges()) {
            Path edge = outDir.resolve(base + "_edge.tif");
            ImageFiles.writeFloatTiff(edge, InfectionSegmenter.floats(r.edge()), w, h, d, base + "_edge", cal, prot);
            written.add(edge);
        }
        long infected = 0;
        for (byte b : mask) {
            if (b != 0) {
                infected++;
            }
        }
        return new Written(input, List.copyOf(written), infected, mask.length, o.warnings);
    }

    private Written segmentNifti(Path input, Path outDir, List<Path> protectedPaths, Progress progress,
            List<Path> written) throws IOException {
        NiftiGeometry g; // only the geometry is kept: the HU volume can go once it is segmented
        InfectionSegmenter.Result r;
        long volumes = NiftiReader.readHeader(input).volumes();
        if (volumes > 1) {
            throw new IOException(input + ": holds " + volumes + " volumes (a 4D or 5D NIfTI file); only 3D volumes"
                    + " can be segmented: split it into one file per volume (e.g. fslsplit) and segment those");
        }
        List<String> warnings = new ArrayList<>();
        try (NiftiReader.Loading loading = NiftiReader.start(input)) { // slices are segmented as they are read
            g = loading.volume().geometry();
            warnings.addAll(loading.volume().warnings());
            r = segmenter.segment(loading.volume().img(), loading::await, progress);
            HuWindow.airWarning(loading.finish().data(), segmenter.options().window()).ifPresent(warnings::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Files.createDirectories(outDir);
        String base = baseName(input);
        Path[] prot = protectedPaths.toArray(Path[]::new);
        Path prob = outDir.resolve(base + "_prob.nii.gz");
        byte[] mask = InfectionSegmenter.bytes(r.mask()); // this call's own array: 255 becomes the label 1
        long infected = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                mask[i] = 1;
                infected++;
            }
        }
        Path maskFile = outDir.resolve(base + "_mask.nii.gz");
        // the probabilities (stored: one thread copying bytes) are written while the mask is deflated here
        ExecutorService writer = Workers.pool("infnet-write", 1);
        try {
            AtomicFiles.Group group = AtomicFiles.Group.current();
            Future<?> probWrite = writer.submit(() -> {
                try (AutoCloseable bound = AtomicFiles.Group.bind(group)) {
                    NiftiWriter.writeFloat32(prob, g, InfectionSegmenter.floats(r.probability()), prot);
                }
                return null;
            });
            Exception failure = null;
            boolean maskWritten = false;
            try {
                NiftiWriter.writeUInt8(maskFile, g, mask, prot);
                maskWritten = true;
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            Exception probFailure = null;
            boolean interrupted = false;
            while (true) { // the write finishes (a second or so) either way, so that all or none is left
                try {
                    probWrite.get();
                    written.add(prob);
                    break;
                } catch (ExecutionException e) {
                    probFailure = e.getCause() instanceof Exception c ? c
                            : new IOException(prob + ": " + e.getCause(), e.getCause());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                probFailure = probFailure != null ? probFailure : new CancellationException("interrupted");
            }
            if (failure == null) {
                failure = probFailure;
            } else if (probFailure != null) {
                failure.addSuppressed(probFailure); // both failed: the first reported, the other kept beside it
            }
            if (maskWritten) {
                written.add(maskFile); // also when the probabilities failed: the caller then deletes what was written
            }
            if (failure instanceof IOException io) {
                throw io;
            } else if (failure instanceof RuntimeException re) {
                throw re;
            }
        } finally {
            Workers.stop(writer, true);
        }
        if (segmenter.options().edges()) {
            Path edge = outDir.resolve(base + "_edge.nii.gz");
            NiftiWriter.writeFloat32(edge, g, InfectionSegmenter.floats(r.edge()), prot);
            written.add(edge);
        }
        return new Written(input, List.copyOf(written), infected, mask.length, List.copyOf(warnings));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private InfectionSegmenter.Result segmentRaw(RandomAccessibleInterval img, Progress progress) {
        return segmenter.segment(img, progress);
    }
}
