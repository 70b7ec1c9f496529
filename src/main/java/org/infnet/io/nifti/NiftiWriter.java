package org.infnet.io.nifti;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import org.infnet.io.AtomicFiles;
import org.infnet.io.ImageFiles;
import org.infnet.io.ParallelGzip;

/**
 * Writes single-file NIfTI-1 volumes in the canonical axial layout of {@link NiftiGeometry}:
 * float32 (images, probability maps), int16 (CT in Hounsfield units, as scanners and {@code dcm2niix}
 * store it) or uint8 (masks, labels). A target ending in {@code .gz} is gzip-compressed: int16 and
 * uint8 at zlib's default level; float32 in stored blocks, since deflate barely shortens float32
 * voxels (see {@link ParallelGzip.Compression#STORED}). Files are little-endian, {@code vox_offset} 352, no scaling
 * ({@code scl_slope} 0), units mm, and carry both a qform and an sform (code 1, scanner
 * anatomical) equal to {@link NiftiGeometry#affine()}, so that {@link NiftiReader} (and other
 * NIfTI tools) read back the same layout, voxel size and position.
 *
 * <p>Writes are atomic ({@link AtomicFiles}) and refuse to overwrite any of the protected paths
 * (typically the input).
 */
public final class NiftiWriter {

    private NiftiWriter() {
    }

    /** Writes a float32 volume. */
    public static void writeFloat32(Path target, NiftiVolume volume, Path... protectedPaths) throws IOException {
        writeFloat32(target, volume.geometry(), volume.data(), protectedPaths);
    }

    /** Writes float32 voxels ({@code x + width*(y + height*z)}) with geometry {@code g}. */
    public static void writeFloat32(Path target, NiftiGeometry g, float[] data, Path... protectedPaths)
            throws IOException {
        check(g, data.length);
        write(target, header(g, NiftiDataType.FLOAT32), ParallelGzip.Body.littleEndian(data),
                ParallelGzip.Compression.STORED, protectedPaths);
    }

    /** Writes int16 voxels ({@code x + width*(y + height*z)}, e.g. Hounsfield units) with geometry {@code g}. */
    public static void writeInt16(Path target, NiftiGeometry g, short[] data, Path... protectedPaths)
            throws IOException {
        check(g, data.length);
        write(target, header(g, NiftiDataType.INT16), ParallelGzip.Body.littleEndian(data),
                ParallelGzip.Compression.DEFAULT, protectedPaths);
    }

    /** Writes uint8 voxels ({@code b & 0xff}) with geometry {@code g}. */
    public static void writeUInt8(Path target, NiftiGeometry g, byte[] data, Path... protectedPaths) throws IOException {
        check(g, data.length);
        write(target, header(g, NiftiDataType.UINT8), ParallelGzip.Body.of(data), ParallelGzip.Compression.DEFAULT,
                protectedPaths);
    }

    private static void check(NiftiGeometry g, int length) {
        if (length != g.voxels()) {
            throw new IllegalArgumentException("data length " + length + " does not match " + g);
        }
        if (g.width() > Short.MAX_VALUE || g.height() > Short.MAX_VALUE || g.depth() > Short.MAX_VALUE) {
            throw new IllegalArgumentException("NIfTI-1 dimensions are limited to 32767: " + g);
        }
    }

    /** The header written for {@code g} and {@code type} (little-endian). */
    static NiftiHeader header(NiftiGeometry g, NiftiDataType type) {
        double[][] a = g.affine();
        float[][] srow = new float[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = (float) a[r][c];
            }
        }
        var c = g.calibration();
        short[] dim = {3, (short) g.width(), (short) g.height(), (short) g.depth(), 1, 1, 1, 1};
        // qform: rotation diag(-1,-1,1) = 180 degrees about z -> quaternion (a,b,c,d) = (0,0,0,1), qfac 1
        float[] pixdim = {1f, (float) c.pixelWidth(), (float) c.pixelHeight(), (float) c.pixelDepth(), 0, 0, 0, 0};
        double[] o = g.originRas();
        return new NiftiHeader(ByteOrder.LITTLE_ENDIAN, dim, type.code(), type.bitpix(), pixdim, NiftiHeader.DATA_OFFSET,
                0f, 0f, 2, 1, 1, new float[] {0, 0, 1}, new float[] {(float) o[0], (float) o[1], (float) o[2]}, srow,
                "Inf-Net for Fiji", "n+1");
    }

    private static void write(Path target, NiftiHeader h, ParallelGzip.Body body, ParallelGzip.Compression compression,
            Path... protectedPaths) throws IOException {
        ImageFiles.checkNotProtected(target, protectedPaths);
        boolean gz = target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        AtomicFiles.write(target, out -> {
            if (gz) {
                ParallelGzip.write(out, h.encode(), body, Runtime.getRuntime().availableProcessors(), compression);
            } else {
                out.write(h.encode());
                body.writeTo(out);
            }
        });
    }
}
