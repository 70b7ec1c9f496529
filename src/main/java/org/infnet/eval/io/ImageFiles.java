package org.infnet.eval.io;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads prediction and GT images with ImageJ 1.x ({@code IJ.openImage}) into {@link GrayImage}:
 * 8-bit gray, 16-bit and 32-bit raw values; RGB images, and 8-bit images whose LUT is not the
 * identity gray ramp (palettes, inverted LUTs), as luminance {@code 0.299 R + 0.587 G + 0.114 B} of
 * the displayed colour. Only the first slice of a stack is read.
 */
public final class ImageFiles {

    private ImageFiles() {
    }

    /**
     * Reads one image.
     *
     * @throws IOException if the file does not exist or ImageJ cannot open it
     */
    public static GrayImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a file: " + file);
        }
        ImagePlus imp;
        try {
            imp = IJ.openImage(file.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            throw new IOException("ImageJ failed to open " + file + ": " + e, e);
        }
        if (imp == null || imp.getProcessor() == null) {
            throw new IOException("ImageJ cannot open " + file);
        }
        try {
            return toGray(imp);
        } finally {
            imp.close();
        }
    }

    /** First slice of an ImagePlus as a {@link GrayImage}. */
    public static GrayImage toGray(ImagePlus imp) {
        ImageProcessor ip = imp.getStack().getProcessor(1);
        int w = ip.getWidth();
        int h = ip.getHeight();
        int n = w * h;
        float[] out = new float[n];
        switch (imp.getType()) {
            case ImagePlus.GRAY8, ImagePlus.COLOR_256 -> {
                byte[] p = (byte[]) ip.getPixels();
                float[] lum = lutLuminance(ip);
                if (lum == null) { // identity gray ramp: raw values
                    for (int i = 0; i < n; i++) {
                        out[i] = p[i] & 0xff;
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        out[i] = lum[p[i] & 0xff];
                    }
                }
            }
            case ImagePlus.GRAY16 -> {
                short[] p = (short[]) ip.getPixels();
                for (int i = 0; i < n; i++) {
                    out[i] = p[i] & 0xffff;
                }
            }
            case ImagePlus.GRAY32 -> {
                float[] p = (float[]) ip.getPixels();
                System.arraycopy(p, 0, out, 0, n);
            }
            case ImagePlus.COLOR_RGB -> {
                int[] p = (int[]) ip.getPixels();
                for (int i = 0; i < n; i++) {
                    int c = p[i];
                    out[i] = luminance((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
                }
            }
            default -> throw new IllegalArgumentException("unsupported ImageJ type " + imp.getType());
        }
        return new GrayImage(out, w, h, imp.getStackSize());
    }

    /**
     * Luminance of each of the 256 LUT entries of an 8-bit image, or null if the LUT is the identity
     * gray ramp (then raw values are used). Palette images (e.g. a 1-bit mask whose index 1 is white)
     * thus read as their displayed gray levels.
     */
    private static float[] lutLuminance(ImageProcessor ip) {
        ij.process.LUT cm = ip.getLut();
        if (cm == null) {
            return null;
        }
        int size = cm.getMapSize();
        boolean identity = size == 256;
        float[] lum = new float[256];
        for (int k = 0; k < 256; k++) {
            int idx = Math.min(k, size - 1);
            int r = cm.getRed(idx);
            int g = cm.getGreen(idx);
            int b = cm.getBlue(idx);
            identity &= r == k && g == k && b == k;
            lum[k] = luminance(r, g, b);
        }
        return identity ? null : lum;
    }

    /** ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B}. */
    public static float luminance(int r, int g, int b) {
        return (float) (0.299 * r + 0.587 * g + 0.114 * b);
    }
}
