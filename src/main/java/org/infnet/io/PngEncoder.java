package org.infnet.io;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A minimal PNG encoder for 8-bit grayscale (colour type 0) and 8-bit palette (colour type 3) images, no
 * interlace, filter "none", in plain Java
 * so that file writing below the UI layer needs neither AWT nor ImageIO. Every reader (ImageJ, browsers, PIL)
 * reads its output; pixel values are stored unchanged.
 */
final class PngEncoder {

    private PngEncoder() {}

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** Writes {@code pixels} (row-major, {@code width * height}) to {@code out} as a PNG; does not close it. */
    static void writeGray8(OutputStream out, byte[] pixels, int width, int height) throws IOException {
        write(out, pixels, width, height, null);
    }

    /**
     * Writes {@code pixels} as palette indices with the colour table {@code lut[channel][index]} (red, green,
     * blue; 256 entries each): viewers show the colours, readers of stored values get the indices.
     */
    static void writeIndexed8(OutputStream out, byte[] pixels, int width, int height, byte[][] lut)
            throws IOException {
        if (lut.length != 3 || lut[0].length != 256 || lut[1].length != 256 || lut[2].length != 256) {
            throw new IllegalArgumentException("a palette needs 3 channels of 256 entries");
        }
        byte[] plte = new byte[3 * 256];
        for (int i = 0; i < 256; i++) {
            plte[3 * i] = lut[0][i];
            plte[3 * i + 1] = lut[1][i];
            plte[3 * i + 2] = lut[2][i];
        }
        write(out, pixels, width, height, plte);
    }

    private static void write(OutputStream out, byte[] pixels, int width, int height, byte[] plte)
            throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.write(SIGNATURE);
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.writeByte(8); // bit depth
        h.writeByte(plte == null ? 0 : 3); // grayscale or palette
        h.writeByte(0); // deflate
        h.writeByte(0); // adaptive filtering method (each row says "none")
        h.writeByte(0); // no interlace
        chunk(d, "IHDR", ihdr.toByteArray());
        if (plte != null) {
            chunk(d, "PLTE", plte);
        }
        // the rows, each after its filter byte 0 ("none"), deflated in one go (a write per row costs a native call each)
        byte[] rows = new byte[Math.multiplyExact(width + 1, height)];
        for (int y = 0; y < height; y++) {
            System.arraycopy(pixels, y * width, rows, y * (width + 1) + 1, width);
        }
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(6);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
            z.write(rows);
        } finally {
            deflater.end();
        }
        chunk(d, "IDAT", idat.toByteArray());
        chunk(d, "IEND", new byte[0]);
        d.flush();
    }

    private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
