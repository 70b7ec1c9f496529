package org.infnet.io.nifti;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The fields of a NIfTI-1 header ({@value #SIZE} bytes) that this project reads and writes.
 * Arrays are used as given (not copied); treat them as read-only.
 *
 * @param order      byte order of the file (detected from {@code sizeof_hdr == 348})
 * @param dim        {@code dim[0..7]}
 * @param datatype   datatype code (see {@link NiftiDataType#describe(int)})
 * @param bitpix     bits per voxel
 * @param pixdim     {@code pixdim[0..7]} ({@code pixdim[0]} is qfac)
 * @param voxOffset  byte offset of the voxel data in a single {@code .nii} file
 * @param sclSlope   value scale (0 = no scaling)
 * @param sclInter   value offset (used only when the slope is non-zero)
 * @param xyztUnits  units code: bits 0-2 space (1 m, 2 mm, 3 micron), bits 3-5 time
 * @param qformCode  qform code (0 = qform absent)
 * @param sformCode  sform code (0 = sform absent)
 * @param quatern    quatern_b, quatern_c, quatern_d
 * @param qoffset    qoffset_x, qoffset_y, qoffset_z
 * @param srow       srow_x, srow_y, srow_z (3 rows of 4)
 * @param descrip    description (at most 79 ASCII characters)
 * @param magic      {@code "n+1"} (single file) or {@code "ni1"} (header/image pair)
 */
public record NiftiHeader(ByteOrder order, short[] dim, int datatype, int bitpix, float[] pixdim, float voxOffset,
        float sclSlope, float sclInter, int xyztUnits, int qformCode, int sformCode, float[] quatern, float[] qoffset,
        float[][] srow, String descrip, String magic) {

    /** Size of a NIfTI-1 header in bytes. */
    public static final int SIZE = 348;
    /** Voxel data offset written by {@link #encode}: header + 4 extension bytes. */
    public static final int DATA_OFFSET = 352;

    /**
     * Parses a header.
     *
     * @param b    at least {@value #SIZE} bytes
     * @param file file name for error messages
     * @throws IOException naming the file if it is not a NIfTI-1 header
     */
    public static NiftiHeader parse(byte[] b, Path file) throws IOException {
        if (b.length < SIZE) {
            throw new IOException("NIfTI file " + file + " is truncated: header has " + b.length + " of " + SIZE + " bytes");
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (bb.getInt(0) != SIZE) {
            bb.order(ByteOrder.BIG_ENDIAN);
            if (bb.getInt(0) != SIZE) {
                int le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
                int be = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).getInt(0);
                if (le == 540 || be == 540) {
                    throw new IOException(file + " is a NIfTI-2 file; only NIfTI-1 is supported");
                }
                throw new IOException(file + " is not a NIfTI-1 file (sizeof_hdr is " + le + " little-endian / " + be
                        + " big-endian, expected 348)");
            }
        }
        String magic = ascii(b, 344, 4);
        short[] dim = new short[8];
        for (int i = 0; i < 8; i++) {
            dim[i] = bb.getShort(40 + 2 * i);
        }
        float[] pixdim = new float[8];
        for (int i = 0; i < 8; i++) {
            pixdim[i] = bb.getFloat(76 + 4 * i);
        }
        float[][] srow = new float[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = bb.getFloat(280 + 16 * r + 4 * c);
            }
        }
        return new NiftiHeader(bb.order(), dim, bb.getShort(70), bb.getShort(72), pixdim, bb.getFloat(108),
                bb.getFloat(112), bb.getFloat(116), b[123] & 0xff, bb.getShort(252), bb.getShort(254),
                new float[] {bb.getFloat(256), bb.getFloat(260), bb.getFloat(264)},
                new float[] {bb.getFloat(268), bb.getFloat(272), bb.getFloat(276)}, srow, ascii(b, 148, 80), magic);
    }

    /**
     * The number of 3D volumes the file holds: the product of {@code dim[4..dim[0]]} (entries below 1 count as 1),
     * 1 for a 3D file.
     */
    public long volumes() {
        long n = 1;
        for (int a = 4; a <= Math.min(7, dim[0]); a++) {
            n *= Math.max(1, dim[a]);
        }
        return n;
    }

    /** Encodes this header as {@value #DATA_OFFSET} bytes (header plus 4 zero extension bytes). */
    public byte[] encode() {
        ByteBuffer bb = ByteBuffer.allocate(DATA_OFFSET).order(order);
        bb.putInt(0, SIZE);
        bb.put(38, (byte) 'r');
        for (int i = 0; i < 8; i++) {
            bb.putShort(40 + 2 * i, dim[i]);
        }
        bb.putShort(70, (short) datatype);
        bb.putShort(72, (short) bitpix);
        for (int i = 0; i < 8; i++) {
            bb.putFloat(76 + 4 * i, pixdim[i]);
        }
        bb.putFloat(108, voxOffset);
        bb.putFloat(112, sclSlope);
        bb.putFloat(116, sclInter);
        bb.put(123, (byte) xyztUnits);
        byte[] d = (descrip == null ? "" : descrip).getBytes(StandardCharsets.US_ASCII);
        bb.put(148, d, 0, Math.min(79, d.length));
        bb.putShort(252, (short) qformCode);
        bb.putShort(254, (short) sformCode);
        for (int i = 0; i < 3; i++) {
            bb.putFloat(256 + 4 * i, quatern[i]);
            bb.putFloat(268 + 4 * i, qoffset[i]);
        }
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                bb.putFloat(280 + 16 * r + 4 * c, srow[r][c]);
            }
        }
        byte[] m = (magic + "\0").getBytes(StandardCharsets.US_ASCII);
        bb.put(344, m, 0, Math.min(4, m.length));
        return bb.array();
    }

    private static String ascii(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }
}
