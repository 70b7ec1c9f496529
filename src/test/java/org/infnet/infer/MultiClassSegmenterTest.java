package org.infnet.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import org.infnet.image.Calibration3D;
import org.infnet.io.ImageFiles;
import org.infnet.io.nifti.NiftiGeometry;
import org.infnet.io.nifti.NiftiReader;
import org.infnet.io.nifti.NiftiVolume;
import org.infnet.io.nifti.NiftiWriter;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The multi-class pipeline: prior then U-Net, argmax labels, per-class maps, label files with the class LUT. */
class MultiClassSegmenterTest {

    @TempDir
    Path dir;

    private static Img<UnsignedByteType> slice(int w, int h, int d) {
        Img<UnsignedByteType> img = d == 1 ? ArrayImgs.unsignedBytes(w, h) : ArrayImgs.unsignedBytes(w, h, d);
        var c = img.localizingCursor();
        while (c.hasNext()) {
            c.fwd();
            c.get().set((c.getIntPosition(0) * 7 + c.getIntPosition(1) * 3 + 11 * (d == 1 ? 0 : c.getIntPosition(2))) % 256);
        }
        return img;
    }

    @Test
    void labelsAreTheArgmaxOfTheClassMapsAtTheInputSize() throws Exception {
        try (NetworkModel<InfNet> inf = ModelKind.INFNET.load(TestModels.randomTiny(dir.resolve("inf")), Device.cpu());
                NetworkModel<MultiClassUNet> mc = ModelKind.UNET.load(TestModels.randomTinyUNet(dir.resolve("mc")), Device.cpu())) {
            MultiClassSegmenter.Result r = new MultiClassSegmenter(inf, mc, new MultiClassSegmenter.Options(
                    org.infnet.image.HuWindow.LUNG, 2)).segment(slice(45, 37, 3), Progress.NONE);
            assertArrayEquals(new long[] {45, 37, 3}, r.labels().dimensionsAsLongArray());
            assertEquals(3, r.probabilities().size());
            float[][] p = new float[3][];
            for (int c = 0; c < 3; c++) {
                assertArrayEquals(new long[] {45, 37, 3}, r.probabilities().get(c).dimensionsAsLongArray());
                p[c] = InfectionSegmenter.floats(r.probabilities().get(c));
                for (float v : p[c]) {
                    assertTrue(v >= 0 && v <= 1);
                }
            }
            byte[] lab = InfectionSegmenter.bytes(r.labels());
            for (int i = 0; i < lab.length; i++) {
                int best = p[1][i] > p[0][i] ? 1 : 0;
                best = p[2][i] > p[best][i] ? 2 : best;
                assertEquals(best, lab[i], "pixel " + i);
            }
            // the prior is the infection model's own probability of the same slices
            float[] prior = InfectionSegmenter.floats(r.prior());
            var seg = new InfectionSegmenter(inf, new InfectionSegmenter.Options(0.5, org.infnet.image.HuWindow.LUNG, 2))
                    .segment(slice(45, 37, 3), Progress.NONE);
            assertArrayEquals(InfectionSegmenter.floats(seg.probability()), prior, 1e-6f);
        }
    }

    @Test
    void argmaxTakesTheFirstClassOnTies() {
        float[][] p = {{0.2f, 0.5f, 0.1f}, {0.7f, 0.5f, 0.1f}, {0.7f, 0.1f, 0.3f}};
        assertArrayEquals(new byte[] {1, 0, 2}, MultiClassPredictor.argmax(p));
    }

    @Test
    void lutColoursGgoRedAndConsolidationGreen() {
        byte[][] lut = LesionClasses.lut();
        int[][] rgb = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 0}};
        for (int v = 0; v < 4; v++) {
            for (int ch = 0; ch < 3; ch++) {
                assertEquals(rgb[v][ch], lut[ch][v] & 0xff, "value " + v + " channel " + ch);
            }
        }
        assertEquals(1, LesionClasses.parse("ggo"));
        assertEquals(2, LesionClasses.parse("2"));
    }

    @Test
    void writesIndexedLabelPngAndClassProbabilityTiffs() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        ImageFiles.writePng8(in.resolve("s1.png"), InfectionSegmenter.bytes(slice(40, 30, 1)), 40, 30);
        try (NetworkModel<InfNet> inf = ModelKind.INFNET.load(TestModels.randomTiny(dir.resolve("inf")), Device.cpu());
                NetworkModel<MultiClassUNet> mc = ModelKind.UNET.load(TestModels.randomTinyUNet(dir.resolve("mc")), Device.cpu())) {
            FileSegmentation.Written w = new FileSegmentation<>(new MultiClassSegmenter(inf, mc,
                    MultiClassSegmenter.Options.DEFAULT)).segment(in.resolve("s1.png"), dir.resolve("out"),
                    List.of(in.resolve("s1.png")), Progress.NONE);
            assertEquals(List.of("s1_labels.png", "s1_ggo_prob.tif", "s1_consolidation_prob.tif"),
                    w.outputs().stream().map(p -> p.getFileName().toString()).toList());
            assertEquals(1200, w.classPixels()[0] + w.classPixels()[1] + w.classPixels()[2]);
            BufferedImage bi = ImageIO.read(dir.resolve("out/s1_labels.png").toFile());
            IndexColorModel cm = (IndexColorModel) bi.getColorModel();
            assertEquals(0xff0000, cm.getRGB(1) & 0xffffff);
            assertEquals(0x00ff00, cm.getRGB(2) & 0xffffff);
            long[] counts = new long[256];
            for (int y = 0; y < 30; y++) {
                for (int x = 0; x < 40; x++) {
                    counts[bi.getRaster().getSample(x, y, 0)]++;
                }
            }
            assertArrayEquals(w.classPixels(), java.util.Arrays.copyOf(counts, 3));
            assertEquals(1200, counts[0] + counts[1] + counts[2]);
            var ggo = ImageFiles.read(dir.resolve("out/s1_ggo_prob.tif"));
            assertEquals(32, ggo.bitDepth());
            assertEquals(40, ggo.width());
        }
    }

    /** A 24x20 float32 HU volume of {@code depth} slices as {@code name}. */
    private Path ctVolume(String name, int depth) throws Exception {
        float[] hu = new float[24 * 20 * depth];
        for (int i = 0; i < hu.length; i++) {
            hu[i] = -1000 + (i * 37) % 1400;
        }
        Path in = dir.resolve(name);
        NiftiWriter.writeFloat32(in, NiftiGeometry.of(24, 20, depth, new Calibration3D(0.7, 0.7, 5, "mm")), hu);
        return in;
    }

    @Test
    void aNiftiInputGivesNiftiLabelsAndClassMapsEqualToTheSegmentersOwn() throws Exception {
        Path in = ctVolume("ct.nii.gz", 5);
        try (NetworkModel<InfNet> inf = ModelKind.INFNET.load(TestModels.randomTiny(dir.resolve("inf")), Device.cpu());
                NetworkModel<MultiClassUNet> mc = ModelKind.UNET.load(TestModels.randomTinyUNet(dir.resolve("mc")), Device.cpu())) {
            MultiClassSegmenter seg = new MultiClassSegmenter(inf, mc, new MultiClassSegmenter.Options(
                    org.infnet.image.HuWindow.LUNG, 2, 2));
            Path out = dir.resolve("out");
            FileSegmentation.Written w = new FileSegmentation<>(seg).segment(in, out, List.of(in), Progress.NONE);
            assertEquals(List.of("ct_labels.nii.gz", "ct_ggo_prob.nii.gz", "ct_consolidation_prob.nii.gz"),
                    w.outputs().stream().map(p -> p.getFileName().toString()).toList());
            MultiClassSegmenter.Result r = seg.segment(NiftiReader.read(in).img(), Progress.NONE);
            NiftiVolume labels = NiftiReader.read(out.resolve("ct_labels.nii.gz"));
            assertArrayEquals(new int[] {24, 20, 5}, new int[] {labels.width(), labels.height(), labels.depth()});
            byte[] want = InfectionSegmenter.bytes(r.labels());
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], labels.data()[i], 0f, "label " + i);
            }
            assertArrayEquals(InfectionSegmenter.floats(r.probabilities().get(LesionClasses.GGO)),
                    NiftiReader.read(out.resolve("ct_ggo_prob.nii.gz")).data());
            assertEquals(24L * 20 * 5, w.pixels());
            assertEquals(w.pixels(), java.util.Arrays.stream(w.classPixels()).sum());
        }
    }

    @Test
    void aMultiClassOutputThatCannotBeWrittenLeavesNoneOfTheOthers() throws Exception {
        Path in = ctVolume("ct.nii.gz", 3);
        Path png = dir.resolve("s1.png");
        ImageFiles.writePng8(png, InfectionSegmenter.bytes(slice(40, 30, 1)), 40, 30);
        try (NetworkModel<InfNet> inf = ModelKind.INFNET.load(TestModels.randomTiny(dir.resolve("inf")), Device.cpu());
                NetworkModel<MultiClassUNet> mc = ModelKind.UNET.load(TestModels.randomTinyUNet(dir.resolve("mc")), Device.cpu())) {
            var job = new FileSegmentation<>(new MultiClassSegmenter(inf, mc, MultiClassSegmenter.Options.DEFAULT));
            for (String blocked : new String[] {"ct_labels.nii.gz", "ct_consolidation_prob.nii.gz",
                    "s1_labels.png", "s1_ggo_prob.tif"}) {
                Path input = blocked.startsWith("ct") ? in : png;
                Path out = dir.resolve("out-" + blocked);
                Files.createDirectories(out.resolve(blocked).resolve("in-the-way")); // a folder where the file goes
                java.io.IOException e = assertThrows(java.io.IOException.class,
                        () -> job.segment(input, out, List.of(input), Progress.NONE));
                assertTrue(e.getMessage().contains(blocked), e.getMessage());
                try (java.util.stream.Stream<Path> left = Files.list(out)) {
                    assertEquals(List.of(out.resolve(blocked)), left.toList(), "only the folder in the way is left");
                }
            }
        }
    }
}
