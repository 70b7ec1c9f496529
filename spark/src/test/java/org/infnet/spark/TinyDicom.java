package org.infnet.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a minimal CT DICOM series (explicit VR little endian, 16-bit unsigned stored values with a rescale to HU)
 * for tests: the project has no DICOM writer, and ImageJ has none.
 */
final class TinyDicom {

    private TinyDicom() {}

    /**
     * Writes slice files {@code IM0001.dcm ...} into {@code folder}: stored value = round(HU) + 2048, rescale
     * intercept -2048; pixel spacing {@code pixelMm}, slices {@code sliceMm} apart (increasing z).
     */
    static void series(Path folder, float[] hu, int width, int height, int depth, double pixelMm, double sliceMm)
            throws IOException {
        Files.createDirectories(folder);
        for (int z = 0; z < depth; z++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            str(body, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1");
            str(body, 0x0008, 0x0060, "CS", "CT");
            str(body, 0x0018, 0x0050, "DS", num(sliceMm));
            str(body, 0x0020, 0x0013, "IS", Integer.toString(z + 1));
            str(body, 0x0020, 0x0032, "DS", "0\\0\\" + num(z * sliceMm));
            str(body, 0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0");
            us(body, 0x0028, 0x0002, 1);
            str(body, 0x0028, 0x0004, "CS", "MONOCHROME2");
            us(body, 0x0028, 0x0010, height);
            us(body, 0x0028, 0x0011, width);
            str(body, 0x0028, 0x0030, "DS", num(pixelMm) + "\\" + num(pixelMm));
            us(body, 0x0028, 0x0100, 16);
            us(body, 0x0028, 0x0101, 16);
            us(body, 0x0028, 0x0102, 15);
            us(body, 0x0028, 0x0103, 0);
            str(body, 0x0028, 0x1052, "DS", "-2048");
            str(body, 0x0028, 0x1053, "DS", "1");
            ByteBuffer px = ByteBuffer.allocate(width * height * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < width * height; i++) {
                long v = Math.round(hu[z * width * height + i]) + 2048L;
                px.putShort((short) Math.max(0, Math.min(65535, v)));
            }
            header(body, 0x7FE0, 0x0010, "OW");
            body.write(le32(px.capacity()));
            body.write(px.array());
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            file.write(new byte[128]);
            file.write("DICM".getBytes(StandardCharsets.US_ASCII));
            file.write(body.toByteArray());
            Files.write(folder.resolve(String.format(Locale.ROOT, "IM%04d.dcm", z + 1)), file.toByteArray());
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static void header(ByteArrayOutputStream o, int group, int element, String vr) {
        o.writeBytes(le16(group));
        o.writeBytes(le16(element));
        o.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OW") || vr.equals("OB")) {
            o.writeBytes(new byte[2]);
        }
    }

    private static void str(ByteArrayOutputStream o, int group, int element, String vr, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        int len = v.length + (v.length % 2);
        header(o, group, element, vr);
        o.writeBytes(le16(len));
        o.writeBytes(v);
        if (len > v.length) {
            o.write(vr.equals("UI") ? 0 : ' ');
        }
    }

    private static void us(ByteArrayOutputStream o, int group, int element, int value) {
        header(o, group, element, "US");
        o.writeBytes(le16(2));
        o.writeBytes(le16(value));
    }

    private static byte[] le16(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8)};
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
