package org.infnet.phantom;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.infnet.image.GrayImage;
import org.infnet.io.ImageFiles;
import org.infnet.io.nifti.NiftiReader;
import org.infnet.io.nifti.NiftiVolume;
import org.infnet.train.data.EdgeMaps;
import org.infnet.train.data.InfNetDataset;
import org.infnet.train.data.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakeTestImagesTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void writesAnInfNetLayoutThatTheDatasetReaderAccepts(@TempDir Path out) throws IOException {
        MakeTestImages.write(out);
        InfNetDataset ds = InfNetDataset.open(out);
        assertEquals(MakeTestImages.COUNT, ds.size());
        assertEquals("phantom_01", ds.names().get(0));
        for (int k = 0; k < MakeTestImages.COUNT; k++) {
            String name = ds.names().get(k);
            Sample s = ds.load(name);
            PhantomSlice expected = MakeTestImages.slice(k);
            assertEquals(expected.width(), s.width());
            assertEquals(expected.height(), s.height());
            // cropped to the lungs and transposed like the COVID-SemiSeg slices, all of one size
            assertEquals(MakeTestImages.WIDTH, s.width());
            assertEquals(MakeTestImages.HEIGHT, s.height());
            float sum = 0;
            for (float v : s.mask01()) {
                assertTrue(v == 0f || v == 1f);
                sum += v;
            }
            // every slice shows infection, between 1 % and 40 % of the image as in the doctor-labelled slices
            double fraction = sum / (s.width() * s.height());
            assertTrue(fraction > 0.01 && fraction < 0.4, name + " infected fraction " + fraction);
            assertArrayEquals(EdgeMaps.fromMask(s.mask01(), s.width(), s.height()), s.edge01());
            GrayImage mc = ImageFiles.read(out.resolve("GT-multiclass").resolve(name + ".png"));
            for (int i = 0; i < mc.pixels().length; i++) {
                assertEquals(s.mask01()[i] > 0, mc.pixels()[i] > 0);
                assertTrue(mc.pixels()[i] <= 2f);
            }
        }
    }

    @Test
    void committedVolumeIsUpToDateCalibratedAndInHu() throws IOException {
        Path committed = Paths.get("test-images", "volume");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(committed));
        PhantomVolume expected = MakeTestImages.volume();
        NiftiVolume ct = NiftiReader.read(committed.resolve("phantom_ct.nii.gz"));
        NiftiVolume lung = NiftiReader.read(committed.resolve("phantom_ct_lung.nii.gz"));
        NiftiVolume inf = NiftiReader.read(committed.resolve("phantom_ct_infection.nii.gz"));
        for (NiftiVolume v : new NiftiVolume[] {ct, lung, inf}) {
            assertEquals(MakeTestImages.VOLUME_SIZE, v.width());
            assertEquals(MakeTestImages.VOLUME_SIZE, v.height());
            assertEquals(MakeTestImages.VOLUME_DEPTH, v.depth());
            assertEquals(0.7 * 512 / MakeTestImages.VOLUME_SIZE, v.calibration().pixelWidth(), 1e-6);
            assertEquals(MakeTestImages.VOLUME_SLICE_MM, v.calibration().pixelDepth(), 1e-6);
            assertEquals("mm", v.calibration().unit());
        }
        long infected = 0;
        for (int i = 0; i < expected.hu().length; i++) {
            assertEquals(Math.round(expected.hu()[i]), ct.data()[i], 0.0, "HU voxel " + i);
            assertEquals(expected.lung()[i], lung.data()[i], 0.0, "lung voxel " + i);
            assertEquals(expected.infection()[i], inf.data()[i], 0.0, "infection voxel " + i);
            infected += expected.infection()[i];
        }
        assertTrue(infected > 1000, "the volume carries infection: " + infected + " voxels");
        assertTrue(expected.infectedVolumeMl() < 0.4 * expected.lungVolumeMl());
    }

    @Test
    void committedTestImagesAreUpToDate() throws IOException {
        Path committed = Paths.get("test-images");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(committed));
        for (int k = 0; k < MakeTestImages.COUNT; k++) {
            PhantomSlice s = MakeTestImages.slice(k);
            String name = String.format("phantom_%02d.png", k + 1);
            GrayImage img = ImageFiles.read(committed.resolve("Imgs").resolve(name));
            GrayImage gt = ImageFiles.read(committed.resolve("GT").resolve(name));
            byte[] expImg = s.window8(MakeTestImages.DISPLAY_WINDOW), expGt = s.infection255();
            assertEquals(s.width(), img.width());
            assertEquals(s.height(), img.height());
            for (int i = 0; i < expImg.length; i++) {
                assertEquals(expImg[i] & 0xff, img.pixels()[i], name + " pixel " + i);
                assertEquals(expGt[i] & 0xff, gt.pixels()[i], name + " GT pixel " + i);
            }
        }
    }
}
