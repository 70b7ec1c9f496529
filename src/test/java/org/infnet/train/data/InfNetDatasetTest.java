package org.infnet.train.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infnet.io.ImageFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfNetDatasetTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @TempDir
    Path root;

    static final int W = 12, H = 9;

    /** Image: value x*20; mask: square (3..7, 2..5) with soft value 128, one pixel 255. */
    static void writeSample(Path root, String name, boolean withEdge) throws IOException {
        byte[] img = new byte[W * H], gt = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                img[y * W + x] = (byte) (x * 20);
                if (x >= 3 && x <= 7 && y >= 2 && y <= 5) {
                    gt[y * W + x] = (byte) 128;
                }
            }
        }
        gt[3 * W + 4] = (byte) 255;
        ImageFiles.writePng8(root.resolve("Imgs").resolve(name + ".png"), img, W, H);
        ImageFiles.writePng8(root.resolve("GT").resolve(name + ".png"), gt, W, H);
        if (withEdge) {
            byte[] e = new byte[W * H];
            e[0] = (byte) 255;
            ImageFiles.writePng8(root.resolve("Edge").resolve(name + ".png"), e, W, H);
        }
    }

    @BeforeEach
    void layout() throws IOException {
        Files.createDirectories(root.resolve("Imgs"));
        Files.createDirectories(root.resolve("GT"));
        Files.createDirectories(root.resolve("Edge"));
    }

    @Test
    void listsAndLoadsSamplesWithSoftLabelsAndEdges() throws IOException {
        writeSample(root, "10", false);
        writeSample(root, "2", true);
        Files.writeString(root.resolve("Imgs").resolve("notes.txt"), "ignored");
        Files.writeString(root.resolve("Imgs").resolve(".hidden.png"), "ignored");
        InfNetDataset ds = InfNetDataset.open(root);
        assertEquals(List.of("2", "10"), ds.names(), "natural order");
        assertTrue(ds.entry("2").hasEdgeFile());
        assertFalse(ds.entry("10").hasEdgeFile());

        Sample s = ds.load("10");
        assertEquals(W, s.width());
        assertEquals(H, s.height());
        assertEquals(60f / 255f, s.image01()[1 * W + 3], 1e-6f);
        assertEquals(128f / 255f, s.mask01()[2 * W + 3], 1e-6f, "soft label kept");
        assertEquals(1f, s.mask01()[3 * W + 4], 1e-6f);
        assertEquals(0f, s.mask01()[0]);
        // derived edge: 128/255 >= 0.5 -> square is foreground
        assertEquals(1f, s.edge01()[2 * W + 3], "inner boundary");
        assertEquals(1f, s.edge01()[1 * W + 3], "outer boundary");
        assertEquals(0f, s.edge01()[3 * W + 5], "interior");
        assertEquals(0f, s.edge01()[0]);

        Sample withEdge = ds.load("2");
        assertEquals(1f, withEdge.edge01()[0], "edge file used, not derived");
        assertEquals(0f, withEdge.edge01()[2 * W + 3]);
    }

    @Test
    void unmatchedFilesAreNamed() throws IOException {
        writeSample(root, "a", false);
        ImageFiles.writePng8(root.resolve("Imgs").resolve("orphan.jpg.png"), new byte[4], 2, 2);
        ImageFiles.writePng8(root.resolve("GT").resolve("lonely.png"), new byte[4], 2, 2);
        IOException e = assertThrows(IOException.class, () -> InfNetDataset.open(root));
        assertTrue(e.getMessage().contains("orphan.jpg.png"), e.getMessage());
        assertTrue(e.getMessage().contains("lonely.png"), e.getMessage());
    }

    @Test
    void duplicateBaseNamesAndMissingFoldersAreReported() throws IOException {
        writeSample(root, "a", false);
        ImageFiles.writePng8(root.resolve("Imgs").resolve("a.tif"), new byte[W * H], W, H);
        IOException e = assertThrows(IOException.class, () -> InfNetDataset.open(root));
        assertTrue(e.getMessage().contains("a.tif") && e.getMessage().contains("a.png"), e.getMessage());
        Path empty = Files.createDirectories(root.resolve("other/Imgs"));
        e = assertThrows(IOException.class, () -> InfNetDataset.open(empty.getParent()));
        assertTrue(e.getMessage().contains("GT/ missing"), e.getMessage());
    }

    @Test
    void sizeMismatchIsReportedOnLoad() throws IOException {
        writeSample(root, "a", false);
        ImageFiles.writePng8(root.resolve("GT").resolve("a.png"), new byte[4], 2, 2);
        InfNetDataset ds = InfNetDataset.open(root);
        IOException e = assertThrows(IOException.class, () -> ds.load("a"));
        assertTrue(e.getMessage().contains("a.png") && e.getMessage().contains("2x2"), e.getMessage());
    }

    @Test
    void severalRootsAreMergedAndClashesRejected(@TempDir Path second) throws IOException {
        writeSample(root, "a", false);
        Files.createDirectories(second.resolve("Imgs"));
        Files.createDirectories(second.resolve("GT"));
        writeSample(second, "b", false);
        writeSample(second, "c", false);
        List<Sample> all = InfNetDataset.loadAll(List.of(root, second));
        assertEquals(List.of("a", "b", "c"), all.stream().map(Sample::name).toList());
        writeSample(second, "a", false);
        IOException e = assertThrows(IOException.class, () -> InfNetDataset.open(List.of(root, second)));
        assertTrue(e.getMessage().contains("Duplicate") && e.getMessage().contains("a"), e.getMessage());
    }

    @Test
    void resizedToBringsAllMapsToSquareSize() throws IOException {
        writeSample(root, "a", false);
        Sample s = InfNetDataset.open(root).load("a");
        Sample r = s.resizedTo(352);
        assertEquals(352, r.width());
        assertEquals(352, r.height());
        assertEquals(352 * 352, r.image01().length);
        assertEquals(352 * 352, r.edge01().length);
        assertEquals("a", r.name());
        // leftmost column of the image is 0 everywhere, rightmost is 220/255
        assertEquals(0f, r.image01()[100 * 352], 1e-6f);
        assertEquals(220f / 255f, r.image01()[100 * 352 + 351], 1e-6f);
        float max = 0;
        for (float v : r.mask01()) {
            max = Math.max(max, v);
            assertTrue(v >= 0f && v <= 1f);
        }
        assertTrue(max > 128f / 255f, "soft+hard mask values survive bilinear resize");
        assertSame(r, r.resizedTo(352));
        assertThrows(IllegalArgumentException.class, () -> s.resizedTo(0));
    }

    @Test
    void naturalNameOrder() {
        assertTrue(InfNetDataset.compareNames("img_2", "img_10") < 0);
        assertTrue(InfNetDataset.compareNames("b1", "a2") > 0);
        assertEquals(0, InfNetDataset.compareNames("x", "x"));
        assertTrue(InfNetDataset.compareNames("01", "1") != 0);
    }
}
