package org.infnet.io;

import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.infnet.image.Calibration3D;
import org.infnet.image.GrayImage;
import org.infnet.image.HuWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @TempDir
    Path dir;

    private static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void missingFileIsReportedWithItsName() {
        Path p = dir.resolve("nope.png");
        IOException e = assertThrows(NoSuchFileException.class, () -> ImageFiles.read(p));
        assertTrue(e.getMessage().contains("nope.png"), e.getMessage());
    }

    @Test
    void zeroByteFileIsReported() throws IOException {
        Path p = Files.createFile(dir.resolve("empty.png"));
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(p));
        assertTrue(e.getMessage().contains("empty.png") && e.getMessage().contains("0 bytes"), e.getMessage());
    }

    @Test
    void truncatedPngIsReported() throws IOException {
        Path good = dir.resolve("good.png");
        ImageFiles.writePng8(good, ramp(64 * 64), 64, 64);
        byte[] all = Files.readAllBytes(good);
        Path bad = dir.resolve("truncated.png");
        Files.write(bad, Arrays.copyOf(all, all.length / 2));
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(bad));
        assertTrue(e.getMessage().contains("truncated.png"), e.getMessage());
        Path junk = dir.resolve("junk.png");
        Files.write(junk, "this is not an image".getBytes());
        e = assertThrows(IOException.class, () -> ImageFiles.read(junk));
        assertTrue(e.getMessage().contains("junk.png"), e.getMessage());
        IOException d = assertThrows(IOException.class, () -> ImageFiles.read(dir));
        assertTrue(d.getMessage().contains("not a regular file"), d.getMessage());
    }

    @Test
    void png8RoundTripAndNoTempFileLeft() throws IOException {
        Path p = dir.resolve("lab.png");
        byte[] px = ramp(31 * 17);
        ImageFiles.writePng8(p, px, 31, 17);
        assertEquals(List.of("lab.png"), listing());
        GrayImage g = ImageFiles.read(p);
        assertEquals(31, g.width());
        assertEquals(17, g.height());
        assertEquals(8, g.bitDepth());
        for (int i = 0; i < px.length; i++) {
            assertEquals(px[i] & 0xff, g.pixels()[i], "pixel " + i);
        }
        // overwrite works and still leaves exactly one file
        ImageFiles.writePng8(p, new byte[31 * 17], 31, 17);
        assertEquals(List.of("lab.png"), listing());
        assertEquals(0f, ImageFiles.read(p).pixels()[100]);
    }

    @Test
    void floatTiffRoundTripKeepsValuesAndCalibration() throws IOException {
        Path p = dir.resolve("prob.tif");
        float[] v = {0f, 0.25f, -1000.5f, 3.75e3f, Float.MIN_VALUE, 1f};
        ImageFiles.writeFloatTiff(p, v, 3, 2, new Calibration3D(0.5, 0.6, 1, "mm"));
        assertEquals(List.of("prob.tif"), listing());
        GrayImage g = ImageFiles.read(p);
        assertEquals(32, g.bitDepth());
        assertArrayEquals(v, g.pixels());
        // TIFF stores resolution as a rational: equal to ~1e-6 relative
        assertEquals(0.5, g.calibration().pixelWidth(), 1e-6);
        assertEquals(0.6, g.calibration().pixelHeight(), 1e-6);
        assertEquals("mm", g.calibration().unit());
    }

    @Test
    void refusesToOverwriteProtectedInput() throws IOException {
        Path in = dir.resolve("input.png");
        ImageFiles.writePng8(in, ramp(16), 4, 4);
        byte[] before = Files.readAllBytes(in);
        Path sameViaDots = dir.resolve("sub").resolve("..").resolve("input.png");
        IOException e = assertThrows(IOException.class,
                () -> ImageFiles.writePng8(sameViaDots, new byte[16], 4, 4, in));
        assertTrue(e.getMessage().contains("input.png"), e.getMessage());
        assertThrows(IOException.class, () -> ImageFiles.writeFloatTiff(in, new float[16], 4, 4, null, in));
        assertArrayEquals(before, Files.readAllBytes(in));
        assertEquals(List.of("input.png"), listing());
        // a different target is fine
        ImageFiles.writePng8(dir.resolve("output.png"), new byte[16], 4, 4, in);
        assertEquals(List.of("input.png", "output.png"), listing());
    }

    @Test
    void missingOutputFolderFailsCleanly() {
        IOException e = assertThrows(IOException.class,
                () -> ImageFiles.writePng8(dir.resolve("no/such/x.png"), new byte[4], 2, 2));
        assertTrue(e.getMessage().contains("x.png"), e.getMessage());
    }

    @Test
    void readsJpegAndRgbHeadless() throws IOException {
        ImagePlus imp = new ImagePlus("g", new ByteProcessor(20, 10, ramp(200)));
        Path jpg = dir.resolve("g.jpg");
        assertTrue(new FileSaver(imp).saveAsJpeg(jpg.toString()));
        GrayImage g = ImageFiles.read(jpg);
        assertEquals(20, g.width());
        assertEquals(10, g.height());
        assertTrue(g.bitDepth() == 8 || g.bitDepth() == 24);

        ImagePlus rgb = new ImagePlus("c", new ij.process.ColorProcessor(2, 1, new int[] {0x00ff00, 0x0000ff}));
        Path tif = dir.resolve("c.tif");
        assertTrue(new FileSaver(rgb).saveAsTiff(tif.toString()));
        GrayImage c = ImageFiles.read(tif);
        assertEquals(24, c.bitDepth());
        assertEquals(0.587 * 255, c.pixels()[0], 1e-3);
        assertEquals(0.114 * 255, c.pixels()[1], 1e-3);
        assertEquals(0.114f, c.toUnit(HuWindow.LUNG)[1], 1e-4f);
    }
}
