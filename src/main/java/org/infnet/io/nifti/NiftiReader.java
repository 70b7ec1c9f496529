package org.infnet.io.nifti;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.infnet.io.Calibration3D;

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
        }
    }

    /** Reads {@code file} into a canonical axial volume; see the class description. */
    public static NiftiVolume read(Path file) throws IOException {
        check(file);
        try (InputStream in = open(file)) {
            return read(in, file);
        } catch (ZipException | java.io.EOFException e) {
            throw new IOException("NIfTI file " + file + " is corrupt or truncated: " + e.getMessage(), e);
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

    private static NiftiVolume read(InputStream in, Path file) throws IOException {
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
        skipFully(in, offset - NiftiHeader.SIZE, file);
        int len = (int) (voxels * type.bytes());
        byte[] raw = new byte[len];
        int got = in.readNBytes(raw, 0, len);
        if (got < len) {
            throw new IOException("NIfTI file " + file + " is truncated: expected " + len + " bytes of "
                    + NiftiDataType.describe(h.datatype()) + " voxel data (" + n[0] + "x" + n[1] + "x" + n[2]
                    + ") at offset " + offset + ", found " + got);
        }
        float[] values = decode(raw, type, h.order(), (int) voxels);
        scale(values, h.sclSlope(), h.sclInter());
        double unitMm = unitToMm(h.xyztUnits(), warnings);
        NiftiOrientation o = NiftiOrientation.of(h);
        warnings.addAll(o.warnings());
        return reorient(values, n, o, unitMm, warnings);
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

    private static float[] decode(byte[] raw, NiftiDataType type, ByteOrder order, int n) {
        ByteBuffer bb = ByteBuffer.wrap(raw).order(order);
        float[] out = new float[n];
        switch (type) {
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i] & 0xff;
                }
            }
            case INT16 -> {
                var s = bb.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = s.get(i);
                }
            }
            case UINT16 -> {
                var s = bb.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = s.get(i) & 0xffff;
                }
            }
            case INT32 -> {
                var s = bb.asIntBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = s.get(i);
                }
            }
            case FLOAT32 -> bb.asFloatBuffer().get(out);
            case FLOAT64 -> {
                var s = bb.asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = (float) s.get(i);
                }
            }
            default -> throw new IllegalStateException(type.toString());
        }
        return out;
    }

    /** Applies {@code v*slope + inter} unless the slope is 0 or not finite. */
    static void scale(float[] v, float slope, float inter) {
        if (slope == 0 || !Float.isFinite(slope) || (slope == 1 && (inter == 0 || !Float.isFinite(inter)))) {
            return;
        }
        double s = slope, c = Float.isFinite(inter) ? inter : 0;
        for (int i = 0; i < v.length; i++) {
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

    private static NiftiVolume reorient(float[] src, int[] n, NiftiOrientation o, double unitMm, List<String> warnings) {
        int[] stride = {1, n[0], n[0] * n[1]};
        int[] od = new int[3];
        int[] step = new int[3];
        int start = 0;
        int[] ijk0 = new int[3];
        for (int c = 0; c < 3; c++) {
            int a = o.sourceAxis()[c];
            od[c] = n[a];
            step[c] = o.flip()[c] ? -stride[a] : stride[a];
            ijk0[a] = o.flip()[c] ? n[a] - 1 : 0;
            start += ijk0[a] * stride[a];
        }
        float[] out;
        if (start == 0 && step[0] == 1 && step[1] == n[0] && step[2] == n[0] * n[1]) {
            out = src; // already canonical
        } else {
            out = new float[src.length];
            int k = 0;
            for (int z = 0; z < od[2]; z++) {
                int pz = start + z * step[2];
                for (int y = 0; y < od[1]; y++) {
                    int p = pz + y * step[1];
                    for (int x = 0; x < od[0]; x++, p += step[0]) {
                        out[k++] = src[p];
                    }
                }
            }
        }
        double[][] m = o.matrix();
        double[] origin = new double[3];
        for (int r = 0; r < 3; r++) {
            origin[r] = (m[r][0] * ijk0[0] + m[r][1] * ijk0[1] + m[r][2] * ijk0[2] + m[r][3]) * unitMm;
        }
        double[] sp = o.spacing();
        Calibration3D cal = new Calibration3D(sp[0] * unitMm, sp[1] * unitMm, sp[2] * unitMm, "mm");
        return new NiftiVolume(new NiftiGeometry(od[0], od[1], od[2], cal, origin), out, o.sourceAxes(), warnings);
    }
}
