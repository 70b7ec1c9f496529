package org.infnet.io;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

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
        boolean named = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png");
        if (!png && !named) {
            return null;
        }
        int colourType = png ? head[25] & 0xff : -1; // a .png that is no PNG: decodable as another format, or not
        BufferedImage img;
        try (InputStream in = Files.newInputStream(file)) {
            img = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            throw new IOException("Image file " + file
                    + " could not be opened by ImageJ (unsupported format, corrupt or truncated)", e);
        }
        if (img == null || img.getWidth() < 1 || img.getHeight() < 1) {
            throw new IOException("Image file " + file
                    + " could not be opened by ImageJ (unsupported format, corrupt or truncated)");
        }
        if (colourType != 4 && colourType != 6) {
            return null; // decodable (checked here, where a corrupt file is one IOException and ImageJ prints nothing)
        }
        Raster r = img.getRaster();
        int w = r.getWidth();
        int h = r.getHeight();
        int bands = r.getNumBands();
        int alphaBand = bands - 1;
        int alphaMax = (1 << r.getSampleModel().getSampleSize(alphaBand)) - 1;
        int[] alpha = r.getSamples(0, 0, w, h, alphaBand, (int[]) null);
        long transparent = 0;
        for (int a : alpha) {
            if (a < alphaMax) {
                transparent++;
            }
        }
        String title = file.getFileName().toString();
        ImagePlus imp;
        if (colourType == 4) {
            int[] gray = r.getSamples(0, 0, w, h, 0, (int[]) null);
            if (r.getSampleModel().getSampleSize(0) > 8) {
                short[] s = new short[gray.length];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (short) gray[i];
                }
                imp = new ImagePlus(title, new ShortProcessor(w, h, s, null));
            } else {
                byte[] b = new byte[gray.length];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) gray[i];
                }
                imp = new ImagePlus(title, new ByteProcessor(w, h, b));
            }
        } else {
            int shift = r.getSampleModel().getSampleSize(0) - 8; // 16-bit RGBA: the high byte of each sample
            int[] red = r.getSamples(0, 0, w, h, 0, (int[]) null);
            int[] green = r.getSamples(0, 0, w, h, 1, (int[]) null);
            int[] blue = r.getSamples(0, 0, w, h, 2, (int[]) null);
            int[] rgb = new int[red.length];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (red[i] >> shift) << 16 | (green[i] >> shift) << 8 | (blue[i] >> shift);
            }
            imp = new ImagePlus(title, new ColorProcessor(w, h, rgb));
        }
        if (transparent > 0) {
            imp.setProperty(TRANSPARENT, transparent);
        }
        return imp;
    }
}
