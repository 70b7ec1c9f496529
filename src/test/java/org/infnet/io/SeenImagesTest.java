package org.infnet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.infnet.image.ImageConversions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image files whose stored values differ from what they show (issue 19, items 1-3): palettes, inverting tables,
 * alpha channels, multi-page TIFFs. {@link ImageFiles#openAsSeen} must give the values a viewer shows.
 */
class SeenImagesTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @TempDir
    Path dir;

    private static float[] values(ImagePlus imp) {
        return ImageConversions.toFloatArray(imp);
    }

    private static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    @Test
    void invertingPaletteIsReadAsTheGrayItShows() throws IOException {
        byte[] shown = ramp(64);
        byte[] index = new byte[64];
        byte[] inv = new byte[256];
        for (int i = 0; i < 256; i++) {
            inv[i] = (byte) (255 - i);
        }
        for (int i = 0; i < 64; i++) {
            index[i] = (byte) (255 - (shown[i] & 0xff));
        }
        Path png = HostileFiles.palettePng(dir.resolve("inv.png"), index, 8, 8, inv, inv, inv);
        ImagePlus raw = ImageFiles.open(png);
        assertTrue(raw.isInvertedLut(), "ImageJ keeps the indices and an inverting LUT");
        ImageFiles.Seen seen = ImageFiles.openAsSeen(png);
        assertEquals(List.of(), seen.warnings());
        assertEquals(8, seen.image().getBitDepth());
        float[] expected = new float[64];
        for (int i = 0; i < 64; i++) {
            expected[i] = shown[i] & 0xff;
        }
        assertArrayEquals(expected, values(seen.image()));
    }

    @Test
    void colourPaletteIsReadAsItsLuminanceWithAWarning() throws IOException {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        r[1] = (byte) 200;
        g[2] = (byte) 100;
        b[3] = (byte) 250;
        Path png = HostileFiles.palettePng(dir.resolve("pal.png"), new byte[] {0, 1, 2, 3}, 2, 2, r, g, b);
        ImageFiles.Seen seen = ImageFiles.openAsSeen(png);
        assertArrayEquals(new float[] {0, Math.round(0.299 * 200), Math.round(0.587 * 100), Math.round(0.114 * 250)},
                values(seen.image()));
        assertEquals(List.of("colour palette image: taken as the gray levels (luminance) of its colours"),
                seen.warnings());
    }

    @Test
    void opaqueGrayAlphaPngKeepsItsGrayValues() throws IOException {
        int[] gray = {230, 0, 17, 255};
        Path png = HostileFiles.grayAlphaPng(dir.resolve("ga.png"), gray, new int[] {255, 255, 255, 255}, 2, 2);
        ImageFiles.Seen seen = ImageFiles.openAsSeen(png);
        assertEquals(8, seen.image().getBitDepth(), "gray stays gray, not RGB");
        assertArrayEquals(new float[] {230, 0, 17, 255}, values(seen.image()), "not brightened (230 was 244)");
        assertEquals(List.of(), seen.warnings());
        assertArrayEquals(new float[] {230, 0, 17, 255}, ImageFiles.read(png).pixels(), "read() agrees");
    }

    @Test
    void transparentPixelsKeepTheirStoredValuesAndAreReported() throws IOException {
        int[] gray = {230, 100, 50, 10};
        Path png = HostileFiles.grayAlphaPng(dir.resolve("half.png"), gray, new int[] {255, 128, 0, 255}, 2, 2);
        ImageFiles.Seen seen = ImageFiles.openAsSeen(png);
        assertArrayEquals(new float[] {230, 100, 50, 10}, values(seen.image()), "not composited on white");
        assertEquals(List.of("2 pixels are partly or fully transparent; transparency was ignored and their stored"
                + " values used (a CT slice has no transparency)"), seen.warnings());
        Path rgba = HostileFiles.rgbaPng(dir.resolve("rgba.png"), new int[] {0x102030, 0x808080}, new int[] {0, 255},
                2, 1);
        seen = ImageFiles.openAsSeen(rgba);
        assertEquals(24, seen.image().getBitDepth());
        assertEquals(0x102030, seen.image().getProcessor().get(0, 0) & 0xffffff, "the colour, not white");
        assertEquals(1, seen.warnings().size());
    }

    @Test
    void corruptTiffHeaderIsRefusedBeforeImageJAllocatesIt() throws IOException {
        Path tif = dir.resolve("t.tif");
        ij.ImageStack st = new ij.ImageStack(42, 21);
        for (int z = 0; z < 3; z++) {
            st.addSlice(new ij.process.ShortProcessor(42, 21));
        }
        ImageFiles.writeTiff(tif, new ImagePlus("t", st));
        byte[] b = java.nio.file.Files.readAllBytes(tif);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int ifd = bb.getInt(4);
        int entries = bb.getShort(ifd);
        boolean patched = false;
        for (int k = 0; k < entries; k++) {
            int e = ifd + 2 + 12 * k;
            if (bb.getShort(e) == 256) { // ImageWidth
                bb.putInt(e + 8, 14352426);
                patched = true;
            }
        }
        assertTrue(patched);
        java.nio.file.Files.write(tif, b);
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> ImageFiles.openAsSeen(tif));
        assertTrue(e.getMessage().startsWith("Image file " + tif + " is truncated or corrupt: its header describes"
                + " 14352426x21x3 pixels (1808405676 bytes from offset "), e.getMessage());
        assertTrue(e.getMessage().endsWith("but the file has " + b.length + " bytes"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "refused at once, not after reading 1.8 GB");
    }

    @Test
    void multiPageTiffOfMixedSizesIsRefusedAndOfOneSizeIsAStack() throws IOException {
        Path mixed = HostileFiles.multiPageTiff(dir.resolve("mixed.tif"), List.of(new int[] {8, 8}, new int[] {4, 6},
                new int[] {8, 8}));
        IOException e = assertThrows(IOException.class, () -> ImageFiles.openAsSeen(mixed));
        assertEquals("Image file " + mixed + " holds 3 pages of different sizes or types (8x8 8-bit, 4x6 8-bit);"
                + " only the first would be read: save each page as its own file (or pages of one size as a stack)"
                + " and segment those", e.getMessage());
        Path same = HostileFiles.multiPageTiff(dir.resolve("same.tif"), List.of(new int[] {5, 3}, new int[] {5, 3}));
        ImagePlus imp = ImageFiles.openAsSeen(same).image();
        assertEquals(2, imp.getStackSize());
        assertEquals(80f, values(imp)[15], "the second page");
    }
}
