package org.infnet.eval.io;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads prediction and GT images with ImageJ 1.x ({@code IJ.openImage}) into {@link GrayImage}:
 * 8-bit gray, 16-bit and 32-bit raw values; RGB and palette (8-bit colour) images as luminance
 * {@code 0.299 R + 0.587 G + 0.114 B}. Only the first slice of a stack is read.
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
            case ImagePlus.GRAY8 -> {
                byte[] p = (byte[]) ip.getPixels();
                for (int i = 0; i < n; i++) {
                    out[i] = p[i] & 0xff;
                }
            }
            case ImagePlus.COLOR_256 -> {
                byte[] p = (byte[]) ip.getPixels();
                IndexColorModel cm = (IndexColorModel) ip.getColorModel();
                int size = cm.getMapSize();
                float[] lum = new float[256];
                for (int k = 0; k < 256; k++) {
                    int idx = Math.min(k, size - 1);
                    lum[k] = luminance(cm.getRed(idx), cm.getGreen(idx), cm.getBlue(idx));
                }
                for (int i = 0; i < n; i++) {
                    out[i] = lum[p[i] & 0xff];
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

    /** ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B}. */
    public static float luminance(int r, int g, int b) {
        return (float) (0.299 * r + 0.587 * g + 0.114 * b);
    }
}
