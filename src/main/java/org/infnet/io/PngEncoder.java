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
 * A minimal PNG encoder for 8-bit grayscale images (colour type 0, no interlace, filter "none"), in plain Java
 * so that file writing below the UI layer needs neither AWT nor ImageIO. Every reader (ImageJ, browsers, PIL)
 * reads its output; pixel values are stored unchanged.
 */
final class PngEncoder {

    private PngEncoder() {}

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** Writes {@code pixels} (row-major, {@code width * height}) to {@code out} as a PNG; does not close it. */
    static void writeGray8(OutputStream out, byte[] pixels, int width, int height) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.write(SIGNATURE);
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.writeByte(8); // bit depth
        h.writeByte(0); // grayscale
        h.writeByte(0); // deflate
        h.writeByte(0); // adaptive filtering method (each row says "none")
        h.writeByte(0); // no interlace
        chunk(d, "IHDR", ihdr.toByteArray());
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(6);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
            for (int y = 0; y < height; y++) {
                z.write(0); // filter type none
                z.write(pixels, y * width, width);
            }
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
