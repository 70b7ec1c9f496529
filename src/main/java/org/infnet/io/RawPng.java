package org.infnet.io;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads PNG files with an alpha channel (gray+alpha, colour type 4; RGBA, colour type 6) by their stored samples.
 * ImageJ opens them through Java's colour conversion, which composites transparent pixels on white and, for
 * gray+alpha, brightens every value (a linear-gray to sRGB conversion: 230 became 244). Here the gray (or red,
 * green, blue) samples are taken as stored and the alpha channel is ignored; the number of pixels that are not
 * fully opaque is kept as the image property {@link #TRANSPARENT}, for a warning.
 */
final class RawPng {

    /** Image property: the number of pixels whose alpha is below its maximum (absent when there are none). */
    static final String TRANSPARENT = "infnet.transparentPixels";

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private RawPng() {}

    /**
     * The image of {@code file} if it is a PNG with an alpha channel, read as described above; null for every
     * other file (ImageJ reads those as usual).
     *
     * @throws IOException when a PNG cannot be decoded (corrupt or truncated), naming the file; checked here for
     *     every PNG, because ImageJ prints the decoder's exception before it gives up
     */
    static ImagePlus open(Path file) throws IOException {
        byte[] head = new byte[26];
        int got;
        try (InputStream in = Files.newInputStream(file)) {
            got = in.readNBytes(head, 0, head.length);
        }
        boolean png = got == head.length;
        for (int i = 0; i < SIGNATURE.length; i++) {
            png &= head[i] == SIGNATURE[i];
        }
        if (!png) {
            return null; // a .png that is no PNG: ImageJ tries the other formats it knows, or refuses it
        }
        Decoded d;
        try {
            d = decode(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            throw new IOException("Image file " + file
                    + " could not be opened by ImageJ (unsupported format, corrupt or truncated)", e);
        }
        int colourType = d.colourType();
        if (d.samples() == null || (colourType != 4 && colourType != 6)) {
            return null; // checked here (a corrupt file is one IOException and ImageJ prints nothing); ImageJ reads it
        }
        int w = d.width();
        int h = d.height();
        int bands = colourType == 4 ? 2 : 4;
        boolean wide = d.bitDepth() == 16;
        int alphaMax = wide ? 0xffff : 0xff;
        long transparent = 0;
        for (int i = 0; i < w * h; i++) {
            if (sample(d, i * bands + bands - 1) < alphaMax) {
                transparent++;
            }
        }
        String title = file.getFileName().toString();
        ImagePlus imp;
        if (colourType == 4) {
            if (wide) {
                short[] v = new short[w * h];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (short) sample(d, i * bands);
                }
                imp = new ImagePlus(title, new ShortProcessor(w, h, v, null));
            } else {
                byte[] v = new byte[w * h];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (byte) sample(d, i * bands);
                }
                imp = new ImagePlus(title, new ByteProcessor(w, h, v));
            }
        } else {
            int shift = wide ? 8 : 0; // 16-bit RGBA: the high byte of each sample
            int[] rgb = new int[w * h];
            for (int i = 0; i < rgb.length; i++) {
                int k = i * bands;
                rgb[i] = (sample(d, k) >> shift) << 16 | (sample(d, k + 1) >> shift) << 8 | (sample(d, k + 2) >> shift);
            }
            imp = new ImagePlus(title, new ColorProcessor(w, h, rgb));
        }
        if (transparent > 0) {
            imp.setProperty(TRANSPARENT, transparent);
        }
        return imp;
    }
    /**
     * A decoded PNG: header fields and, for non-interlaced 8- or 16-bit images, the unfiltered samples row by row
     * (big-endian pairs of bytes at 16 bits); null samples for other images, whose chunks and compressed data were
     * still checked.
     */
    record Decoded(int width, int height, int bitDepth, int colourType, byte[] samples) {}

    private static int sample(Decoded d, int index) {
        byte[] b = d.samples();
        return d.bitDepth() == 16 ? (b[2 * index] & 0xff) << 8 | (b[2 * index + 1] & 0xff) : b[index] & 0xff;
    }

    /**
     * Decodes a PNG file's bytes (chunk CRCs checked, all image data inflated and unfiltered).
     *
     * @throws IOException naming what is wrong: bad signature or CRC, missing or truncated chunks, data of the wrong
     *     length, an unknown filter
     */
    static Decoded decode(byte[] png) throws IOException {
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (png.length <= i || png[i] != SIGNATURE[i]) {
                throw new IOException("not a PNG file");
            }
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(png); // big-endian
        in.position(SIGNATURE.length);
        int width = 0, height = 0, depth = 0, type = -1, interlace = 0;
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        boolean end = false;
        while (!end) {
            if (in.remaining() < 12) {
                throw new IOException("truncated PNG (no IEND chunk)");
            }
            int length = in.getInt();
            if (length < 0 || length > in.remaining() - 8) {
                throw new IOException("truncated PNG chunk");
            }
            int typeAt = in.position();
            String chunk = new String(png, typeAt, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(png, typeAt, 4 + length);
            in.position(typeAt + 4 + length);
            if ((int) crc.getValue() != in.getInt()) {
                throw new IOException("PNG chunk " + chunk + " fails its CRC check");
            }
            int data = typeAt + 4;
            switch (chunk) {
                case "IHDR" -> {
                    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(png, data, length);
                    width = h.getInt();
                    height = h.getInt();
                    depth = h.get() & 0xff;
                    type = h.get() & 0xff;
                    h.get();
                    h.get();
                    interlace = h.get() & 0xff;
                }
                case "IDAT" -> idat.write(png, data, length);
                case "IEND" -> end = true;
                default -> { }
            }
        }
        int channels = switch (type) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new IOException("PNG colour type " + type + " unknown (or IHDR missing)");
        };
        if (width < 1 || height < 1 || (long) width * height > Integer.MAX_VALUE / 8 || depth < 1 || depth > 16) {
            throw new IOException("PNG of " + width + "x" + height + " pixels at " + depth + " bits");
        }
        long rowBytes = ((long) width * channels * depth + 7) / 8;
        java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        byte[] raw;
        try {
            inflater.setInput(idat.toByteArray());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("PNG image data truncated");
                }
                out.write(buf, 0, n);
            }
            raw = out.toByteArray();
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException("PNG image data corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        if (interlace != 0 || (depth != 8 && depth != 16)) {
            return new Decoded(width, height, depth, type, null);
        }
        if (raw.length != height * (rowBytes + 1)) {
            throw new IOException("PNG image data holds " + raw.length + " bytes, expected " + height * (rowBytes + 1));
        }
        int row = (int) rowBytes;
        int bpp = channels * depth / 8;
        byte[] samples = new byte[height * row];
        for (int y = 0; y < height; y++) {
            int filter = raw[y * (row + 1)];
            int src = y * (row + 1) + 1;
            int dst = y * row;
            for (int x = 0; x < row; x++) {
                int a = x >= bpp ? samples[dst + x - bpp] & 0xff : 0;
                int b = y > 0 ? samples[dst - row + x] & 0xff : 0;
                int c = x >= bpp && y > 0 ? samples[dst - row + x - bpp] & 0xff : 0;
                int v = raw[src + x] & 0xff;
                samples[dst + x] = (byte) switch (filter) {
                    case 0 -> v;
                    case 1 -> v + a;
                    case 2 -> v + b;
                    case 3 -> v + ((a + b) >> 1);
                    case 4 -> v + paeth(a, b, c);
                    default -> throw new IOException("PNG row " + y + " has unknown filter " + filter);
                };
            }
        }
        return new Decoded(width, height, depth, type, samples);
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
