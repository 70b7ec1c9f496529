package org.infnet.io;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.infnet.io.nifti.NiftiHeader;

/**
 * Image files as other programs write them (Java's ImageIO, raw NIfTI headers), for tests of how they are read:
 * palette and alpha PNGs, 16-bit PNGs, multi-page TIFFs of mixed sizes, NIfTI files with any header.
 */
public final class HostileFiles {

    private HostileFiles() {}

    /** An 8-bit palette PNG storing {@code index[i]} with the palette {@code rgb[index] = (r, g, b)}. */
    public static Path palettePng(Path file, byte[] index, int w, int h, byte[] r, byte[] g, byte[] b)
            throws IOException {
        IndexColorModel cm = new IndexColorModel(8, 256, r, g, b);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
        img.getRaster().setDataElements(0, 0, w, h, index);
        return write(img, "png", file);
    }

    /** A gray+alpha PNG (colour type 4) of 8 bits per sample. */
    public static Path grayAlphaPng(Path file, int[] gray, int[] alpha, int w, int h) throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        r.setSamples(0, 0, w, h, 0, gray);
        r.setSamples(0, 0, w, h, 1, alpha);
        return write(new BufferedImage(cm, r, false, null), "png", file);
    }

    /** An RGBA PNG (colour type 6) of 8 bits per sample. */
    public static Path rgbaPng(Path file, int[] rgb, int[] alpha, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR);
        WritableRaster r = img.getRaster();
        for (int i = 0; i < rgb.length; i++) {
            r.setPixel(i % w, i / w, new int[] {(rgb[i] >> 16) & 0xff, (rgb[i] >> 8) & 0xff, rgb[i] & 0xff, alpha[i]});
        }
        return write(img, "png", file);
    }

    /** A 16-bit gray PNG (colour type 0) storing {@code v[i] & 0xffff}. */
    public static Path png16(Path file, int[] v, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSamples(0, 0, w, h, 0, v);
        return write(img, "png", file);
    }

    /** A multi-page 8-bit TIFF, one page per {@code sizes} entry {w, h}, pages filled with {@code 40 * (page + 1)}. */
    public static Path multiPageTiff(Path file, List<int[]> sizes) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("tiff").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream os = ImageIO.createImageOutputStream(bytes)) {
            w.setOutput(os);
            w.prepareWriteSequence(null);
            for (int p = 0; p < sizes.size(); p++) {
                int[] s = sizes.get(p);
                BufferedImage img = new BufferedImage(s[0], s[1], BufferedImage.TYPE_BYTE_GRAY);
                int[] fill = new int[s[0] * s[1]];
                java.util.Arrays.fill(fill, 40 * (p + 1));
                img.getRaster().setSamples(0, 0, s[0], s[1], 0, fill);
                w.writeToSequence(new IIOImage(img, null, null), null);
            }
            w.endWriteSequence();
        } finally {
            w.dispose();
        }
        return Files.write(file, bytes.toByteArray());
    }

    private static Path write(BufferedImage img, String format, Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IOException("no " + format + " writer");
        }
        return Files.write(file, out.toByteArray());
    }

    /**
     * A NIfTI-1 header: {@code dim} (dim[0] = number of dimensions), datatype code and bits per voxel, voxel
     * sizes 1 mm, scaling, and either no orientation (qform and sform codes 0) or an identity sform.
     */
    public static NiftiHeader niftiHeader(ByteOrder order, short[] dim, int datatype, int bitpix, float slope,
            float inter, boolean oriented, int units) {
        float[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
        float[][] srow = {{-1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}};
        return new NiftiHeader(order, dim, datatype, bitpix, pixdim, NiftiHeader.DATA_OFFSET, slope, inter, units,
                0, oriented ? 1 : 0, new float[3], new float[3], srow, "hostile", "n+1");
    }

    /** The header's bytes followed by {@code voxels}. */
    public static byte[] nifti(NiftiHeader h, byte[] voxels) {
        byte[] head = h.encode();
        return ByteBuffer.allocate(head.length + voxels.length).put(head).put(voxels).array();
    }

    /** Encodes {@code v} as voxels of a NIfTI datatype (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, 512 uint16). */
    public static byte[] voxels(double[] v, int datatype, ByteOrder order) {
        int bytes = switch (datatype) {
            case 2 -> 1;
            case 4, 512 -> 2;
            case 8, 16 -> 4;
            case 64 -> 8;
            default -> throw new IllegalArgumentException("datatype " + datatype);
        };
        ByteBuffer bb = ByteBuffer.allocate(v.length * bytes).order(order);
        for (double x : v) {
            switch (datatype) {
                case 2 -> bb.put((byte) x);
                case 4, 512 -> bb.putShort((short) x);
                case 8 -> bb.putInt((int) x);
                case 16 -> bb.putFloat((float) x);
                default -> bb.putDouble(x);
            }
        }
        return bb.array();
    }
}
