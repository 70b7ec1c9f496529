package org.infnet.io.nifti;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.function.IntConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.infnet.image.Calibration3D;
import org.infnet.util.Workers;

/**
 * Reads single-file NIfTI-1 volumes ({@code .nii}, or gzip-compressed {@code .nii.gz}; compression
 * is detected from the content) in pure Java.
 *
 * <p>Contract of {@link #read(Path)}:
 * <ul>
 * <li>both byte orders (detected by {@code sizeof_hdr == 348});</li>
 * <li>datatypes uint8, int16, uint16, int32, float32 and float64; any other datatype is an
 * {@link IOException} naming the file, the code and its name;</li>
 * <li>values are {@code stored * scl_slope + scl_inter} as float ({@code scl_slope} 0 or not
 * finite means no scaling), i.e. Hounsfield units for CT;</li>
 * <li>voxel size from the orientation matrix (equal to {@code pixdim} for qform files), spatial
 * units converted to millimetres (metre, mm, micron; unknown units are taken as mm with a warning);</li>
 * <li>the result is in the canonical axial layout of {@link NiftiGeometry} (x to patient left,
 * y to posterior, z from inferior to superior), see {@link NiftiOrientation} for how the
 * qform/sform is used and when a warning is added;</li>
 * <li>only the first 3D volume of a 4D+ file is read (warning);</li>
 * <li>missing, empty, truncated, corrupt or header/image-pair files raise an IOException naming
 * the file.</li>
 * </ul>
 */
public final class NiftiReader {

    private NiftiReader() {
    }

    /** True if the file name ends with {@code .nii} or {@code .nii.gz} (case-insensitive). */
    public static boolean isNifti(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".nii") || n.endsWith(".nii.gz");
    }

    /** The file name without {@code .nii} / {@code .nii.gz}. */
    public static String baseName(Path p) {
        String n = p.getFileName().toString();
        String l = n.toLowerCase(Locale.ROOT);
        if (l.endsWith(".nii.gz")) {
            return n.substring(0, n.length() - 7);
        }
        return l.endsWith(".nii") ? n.substring(0, n.length() - 4) : n;
    }

    /** Reads only the header of {@code file}. */
    public static NiftiHeader readHeader(Path file) throws IOException {
        check(file);
        try (InputStream in = open(file)) {
            return NiftiHeader.parse(in.readNBytes(NiftiHeader.SIZE), file);
        } catch (ZipException e) {
            throw new IOException("NIfTI file " + file + " is not valid gzip data: " + e.getMessage(), e);
        } catch (java.io.EOFException e) {
            throw corrupt(file, e);
        }
    }

    /** Reads {@code file} into a canonical axial volume; see the class description. */
    public static NiftiVolume read(Path file) throws IOException {
        check(file);
        try (InputStream in = open(file)) {
            Layout l = layout(in, file);
            l.fill(in, file, count -> { });
            return l.volume;
        } catch (ZipException | java.io.EOFException e) {
            throw corrupt(file, e);
        }
    }

    /**
     * Starts reading {@code file} on a background thread: the header is read and checked, and the volume allocated,
     * before this returns (so those failures are thrown here); the voxels then fill in (see {@link Loading}).
     */
    public static Loading start(Path file) throws IOException {
        check(file);
        InputStream in = open(file);
        try {
            return new Loading(layout(in, file), in, file);
        } catch (ZipException | java.io.EOFException e) {
            in.close();
            throw corrupt(file, e);
        } catch (IOException | RuntimeException | Error e) {
            in.close();
            throw e;
        }
    }

    private static IOException corrupt(Path file, IOException e) {
        return new IOException("NIfTI file " + file + " is corrupt or truncated: " + e.getMessage(), e);
    }

    /**
     * A NIfTI volume being read on a background thread ({@link #start}). Its geometry and warnings are known at once;
     * its voxels fill in increasing canonical slice order, a slice at a time, when the file's slice axis is the
     * canonical z in the same direction (axial CT as scanners and {@code dcm2niix} write it), otherwise all at once
     * when the file has been read. {@link #await} tells when slices are there, so that work on them can start
     * while the rest is read; {@link #close} stops the reading.
     */
    public static final class Loading implements AutoCloseable {
        private final NiftiVolume volume;
        private final ExecutorService pool;
        private int ready;
        private Throwable failure;

        private Loading(Layout layout, InputStream in, Path file) {
            this.volume = layout.volume;
            this.pool = Workers.pool("infnet-nifti-read " + file.getFileName(), 1);
            pool.execute(() -> {
                try (in) {
                    layout.fill(in, file, this::publish);
                } catch (ZipException | java.io.EOFException e) {
                    fail(corrupt(file, e));
                } catch (IOException | RuntimeException | Error e) {
                    fail(e);
                }
            });
        }

        /** The volume; its slices hold their values once {@link #await} says so. */
        public NiftiVolume volume() {
            return volume;
        }

        private synchronized void publish(int count) {
            ready = count;
            notifyAll();
        }

        private synchronized void fail(Throwable t) {
            failure = t;
            notifyAll();
        }

        /**
         * Returns once canonical slices {@code 0 <= z < count} hold their values.
         *
         * @throws UncheckedIOException when reading failed (the {@link IOException} names the file and the problem)
         * @throws InterruptedException when the waiting thread is interrupted
         */
        public void await(int count) throws InterruptedException {
            Throwable f;
            synchronized (this) {
                while (ready < count && failure == null) {
                    wait();
                }
                if (ready >= count) {
                    return;
                }
                f = failure;
            }
            if (f instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw f instanceof RuntimeException re ? re : new IllegalStateException("reading failed: " + f, f);
        }

        /**
         * Waits until the whole volume is read and returns it.
         *
         * @throws IOException naming the file and the problem when reading failed
         */
        public NiftiVolume finish() throws IOException {
            try {
                await(volume.depth());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading " + volume.geometry());
            }
            return volume;
        }

        /** Stops reading if it is still going on, and waits until the file is closed. */
        @Override
        public void close() {
            Workers.stop(pool, true);
        }
    }

    private static void check(Path file) throws IOException {
        if (file == null) {
            throw new IOException("No NIfTI file given (null path)");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "NIfTI file does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("NIfTI path " + file + " is not a regular file");
        }
        if (Files.size(file) == 0) {
            throw new IOException("NIfTI file " + file + " is empty (0 bytes)");
        }
    }

    /** Whether the file starts with the gzip magic bytes. */
    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return raw;
    }

    /** Reads and checks the header, skips to the voxels and allocates the volume. */
    private static Layout layout(InputStream in, Path file) throws IOException {
        NiftiHeader h = NiftiHeader.parse(in.readNBytes(NiftiHeader.SIZE), file);
        List<String> warnings = new ArrayList<>();
        if ("ni1".equals(h.magic())) {
            throw new IOException(file + " is the header of a NIfTI-1 .hdr/.img pair; only single-file .nii/.nii.gz is supported");
        }
        if (!"n+1".equals(h.magic())) {
            throw new IOException(file + " has no NIfTI-1 magic 'n+1' (found '" + h.magic() + "')");
        }
        NiftiDataType type = NiftiDataType.ofCode(h.datatype());
        if (type == null) {
            throw new IOException("NIfTI file " + file + " has unsupported datatype code " + h.datatype() + " ("
                    + NiftiDataType.describe(h.datatype()) + "); supported: uint8 (2), int16 (4), uint16 (512),"
                    + " int32 (8), float32 (16), float64 (64)");
        }
        short[] dim = h.dim();
        if (dim[0] < 1 || dim[0] > 7) {
            throw new IOException("NIfTI file " + file + " has invalid dim[0]=" + dim[0]);
        }
        int[] n = new int[3];
        for (int a = 0; a < 3; a++) {
            n[a] = a < dim[0] ? dim[a + 1] : 1;
            if (n[a] < 1) {
                throw new IOException("NIfTI file " + file + " has invalid size dim[" + (a + 1) + "]=" + n[a]);
            }
        }
        long extra = 1;
        for (int a = 4; a <= dim[0]; a++) {
            extra *= Math.max(1, dim[a]);
        }
        if (extra > 1) {
            warnings.add("file holds " + extra + " volumes (dim=" + java.util.Arrays.toString(dim)
                    + "); only the first was read");
        }
        long voxels = (long) n[0] * n[1] * n[2];
        if (voxels * type.bytes() > Integer.MAX_VALUE - 16) {
            throw new IOException("NIfTI volume " + file + " (" + n[0] + "x" + n[1] + "x" + n[2] + ") is too large");
        }
        long offset = (long) h.voxOffset();
        if (offset < NiftiHeader.SIZE) {
            throw new IOException("NIfTI file " + file + " has invalid vox_offset " + h.voxOffset());
        }
        long need = offset + voxels * type.bytes();
        if (!isGzip(file) && Files.size(file) < need) {
            // an uncompressed file too short for its header's volume: said before the volume is allocated
            throw new IOException("NIfTI file " + file + " is truncated: expected " + voxels * type.bytes()
                    + " bytes of " + NiftiDataType.describe(h.datatype()) + " voxel data (" + n[0] + "x" + n[1] + "x"
                    + n[2] + ") at offset " + offset + ", found " + Math.max(0, Files.size(file) - offset));
        }
        skipFully(in, offset - NiftiHeader.SIZE, file);
        double unitMm = unitToMm(h.xyztUnits(), warnings);
        NiftiOrientation o = NiftiOrientation.of(h);
        warnings.addAll(o.warnings());
        return new Layout(h, type, n, offset, o, unitMm, warnings);
    }

    /**
     * Where the file's voxels go: the source array in file order, the canonical array (the same one when the file
     * is already canonical), and the walk from one to the other ({@code start} + {@code step} per canonical axis).
     */
    private static final class Layout {
        private final NiftiHeader h;
        private final NiftiDataType type;
        private final int[] n;
        private final long offset;
        private final int start;
        private final int[] step;
        private final int[] od;
        private final float[] src;
        private final float[] out;
        /** Canonical slice k is file slice k: slices can be handed on as they are read. */
        private final boolean sliceBySlice;
        final NiftiVolume volume;

        Layout(NiftiHeader h, NiftiDataType type, int[] n, long offset, NiftiOrientation o, double unitMm,
                List<String> warnings) {
            this.h = h;
            this.type = type;
            this.n = n;
            this.offset = offset;
            int[] stride = {1, n[0], n[0] * n[1]};
            od = new int[3];
            step = new int[3];
            int s0 = 0;
            int[] ijk0 = new int[3];
            for (int c = 0; c < 3; c++) {
                int a = o.sourceAxis()[c];
                od[c] = n[a];
                step[c] = o.flip()[c] ? -stride[a] : stride[a];
                ijk0[a] = o.flip()[c] ? n[a] - 1 : 0;
                s0 += ijk0[a] * stride[a];
            }
            start = s0;
            src = new float[n[0] * n[1] * n[2]];
            out = start == 0 && step[0] == 1 && step[1] == n[0] && step[2] == n[0] * n[1] ? src : new float[src.length];
            sliceBySlice = o.sourceAxis()[2] == 2 && !o.flip()[2];
            double[][] m = o.matrix();
            double[] origin = new double[3];
            for (int r = 0; r < 3; r++) {
                origin[r] = (m[r][0] * ijk0[0] + m[r][1] * ijk0[1] + m[r][2] * ijk0[2] + m[r][3]) * unitMm;
            }
            double[] sp = o.spacing();
            Calibration3D cal = new Calibration3D(sp[0] * unitMm, sp[1] * unitMm, sp[2] * unitMm, "mm");
            volume = new NiftiVolume(new NiftiGeometry(od[0], od[1], od[2], cal, origin), out, o.sourceAxes(), warnings);
        }

        /**
         * Reads the voxels (the stream is at the first one) a file slice at a time, decoding and scaling each, and
         * reports the number of canonical slices that hold their values to {@code published}.
         */
        void fill(InputStream in, Path file, IntConsumer published) throws IOException {
            int plane = n[0] * n[1];
            int planeBytes = plane * type.bytes();
            byte[] buf = new byte[planeBytes];
            for (int k = 0; k < n[2]; k++) {
                int got = in.readNBytes(buf, 0, planeBytes);
                if (got < planeBytes) {
                    throw new IOException("NIfTI file " + file + " is truncated: expected " + (long) planeBytes * n[2]
                            + " bytes of " + NiftiDataType.describe(h.datatype()) + " voxel data (" + n[0] + "x" + n[1]
                            + "x" + n[2] + ") at offset " + offset + ", found " + ((long) planeBytes * k + got));
                }
                decode(buf, type, h.order(), src, k * plane, plane);
                scale(src, k * plane, plane, h.sclSlope(), h.sclInter());
                if (sliceBySlice) {
                    if (out != src) {
                        reorient(k);
                    }
                    published.accept(k + 1);
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("reading " + file + " was stopped");
                }
            }
            if (!sliceBySlice) {
                for (int z = 0; z < od[2]; z++) {
                    reorient(z);
                }
                published.accept(od[2]);
            }
        }

        /** Fills canonical slice {@code z} of {@code out} from {@code src}. */
        private void reorient(int z) {
            int k = z * od[0] * od[1];
            int pz = start + z * step[2];
            for (int y = 0; y < od[1]; y++) {
                int p = pz + y * step[1];
                for (int x = 0; x < od[0]; x++, p += step[0]) {
                    out[k++] = src[p];
                }
            }
        }
    }

    private static void skipFully(InputStream in, long n, Path file) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("NIfTI file " + file + " is truncated before its voxel data");
                }
                s = 1;
            }
            left -= s;
        }
    }

    /** Decodes {@code n} voxels of {@code raw} into {@code out[off, off + n)}. */
    private static void decode(byte[] raw, NiftiDataType type, ByteOrder order, float[] out, int off, int n) {
        ByteBuffer bb = ByteBuffer.wrap(raw).order(order);
        switch (type) {
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    out[off + i] = raw[i] & 0xff;
                }
            }
            case INT16 -> {
                var s = bb.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    out[off + i] = s.get(i);
                }
            }
            case UINT16 -> {
                var s = bb.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    out[off + i] = s.get(i) & 0xffff;
                }
            }
            case INT32 -> {
                var s = bb.asIntBuffer();
                for (int i = 0; i < n; i++) {
                    out[off + i] = s.get(i);
                }
            }
            case FLOAT32 -> bb.asFloatBuffer().get(out, off, n);
            case FLOAT64 -> {
                var s = bb.asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    out[off + i] = (float) s.get(i);
                }
            }
            default -> throw new IllegalStateException(type.toString());
        }
    }

    /** Applies {@code v*slope + inter} to {@code v[from, from + n)} unless the slope is 0 or not finite. */
    static void scale(float[] v, int from, int n, float slope, float inter) {
        if (slope == 0 || !Float.isFinite(slope) || (slope == 1 && (inter == 0 || !Float.isFinite(inter)))) {
            return;
        }
        double s = slope, c = Float.isFinite(inter) ? inter : 0;
        for (int i = from; i < from + n; i++) {
            v[i] = (float) (v[i] * s + c);
        }
    }

    private static double unitToMm(int xyztUnits, List<String> warnings) {
        return switch (xyztUnits & 0x07) {
            case 1 -> 1000.0;
            case 2 -> 1.0;
            case 3 -> 1e-3;
            default -> {
                warnings.add("spatial unit not given in the header (xyzt_units=" + xyztUnits + "); assumed millimetres");
                yield 1.0;
            }
        };
    }

}
