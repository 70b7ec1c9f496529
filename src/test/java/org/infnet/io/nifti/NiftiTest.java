package org.infnet.io.nifti;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.infer.FileSegmentation;
import org.infnet.image.Calibration3D;
import org.infnet.io.ImageFiles;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomNifti;
import org.infnet.phantom.PhantomVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NIfTI-1 reading/writing: datatypes, byte orders, gzip, scaling, units, orientation, errors. */
class NiftiTest {

    @TempDir
    Path dir;

    // ------------------------------------------------------------ raw file builder (independent of NiftiWriter)

    /** A hand-built NIfTI-1 file. */
    static final class Raw {
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        int datatype = 16;
        int bitpix = 32;
        short[] dim = {3, 1, 1, 1, 1, 1, 1, 1};
        float[] pixdim = {1, 1, 1, 1, 0, 0, 0, 0};
        float slope = 0;
        float inter = 0;
        int units = 2;
        int qcode = 0;
        int scode = 0;
        float[] quat = new float[3];
        float[] qoff = new float[3];
        float[][] srow = new float[3][4];
        String magic = "n+1";
        byte[] data = new byte[0];

        Raw dims(int... d) {
            dim[0] = (short) d.length;
            for (int i = 0; i < d.length; i++) {
                dim[i + 1] = (short) d[i];
            }
            return this;
        }

        Raw sform(double[][] m) {
            scode = 1;
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    srow[r][c] = (float) m[r][c];
                }
            }
            return this;
        }

        byte[] bytes() {
            ByteBuffer bb = ByteBuffer.allocate(352 + data.length).order(order);
            bb.putInt(0, 348);
            for (int i = 0; i < 8; i++) {
                bb.putShort(40 + 2 * i, dim[i]);
                bb.putFloat(76 + 4 * i, pixdim[i]);
            }
            bb.putShort(70, (short) datatype);
            bb.putShort(72, (short) bitpix);
            bb.putFloat(108, 352);
            bb.putFloat(112, slope);
            bb.putFloat(116, inter);
            bb.put(123, (byte) units);
            bb.putShort(252, (short) qcode);
            bb.putShort(254, (short) scode);
            for (int i = 0; i < 3; i++) {
                bb.putFloat(256 + 4 * i, quat[i]);
                bb.putFloat(268 + 4 * i, qoff[i]);
                for (int c = 0; c < 4; c++) {
                    bb.putFloat(280 + 16 * i + 4 * c, srow[i][c]);
                }
            }
            byte[] m = magic.getBytes();
            bb.put(344, m, 0, m.length);
            bb.position(352);
            bb.put(data);
            return bb.array();
        }

        Path write(Path file) throws IOException {
            byte[] b = bytes();
            if (file.toString().endsWith(".gz")) {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                    gz.write(b);
                }
                b = bos.toByteArray();
            }
            return Files.write(file, b);
        }
    }

    /** Encodes values with the given datatype and byte order. */
    static byte[] encode(double[] v, int datatype, ByteOrder order) {
        int size = switch (datatype) {
            case 2 -> 1;
            case 4, 512 -> 2;
            case 8, 16 -> 4;
            case 64 -> 8;
            default -> throw new IllegalArgumentException();
        };
        ByteBuffer bb = ByteBuffer.allocate(v.length * size).order(order);
        for (double x : v) {
            switch (datatype) {
                case 2 -> bb.put((byte) (int) x);
                case 4, 512 -> bb.putShort((short) (int) x);
                case 8 -> bb.putInt((int) x);
                case 16 -> bb.putFloat((float) x);
                default -> bb.putDouble(x);
            }
        }
        return bb.array();
    }

    private static Raw lpsRaw(int w, int h, int d, double[] values, int datatype) {
        Raw r = new Raw().dims(w, h, d);
        r.datatype = datatype;
        r.bitpix = switch (datatype) {
            case 2 -> 8;
            case 4, 512 -> 16;
            case 64 -> 64;
            default -> 32;
        };
        r.data = encode(values, datatype, r.order);
        r.sform(new double[][] {{-1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}});
        return r;
    }

    // ------------------------------------------------------------ tests

    @Test
    void everySupportedDatatypeIsDecoded() throws IOException {
        double[][] cases = {
            {2, 0, 1, 127, 128, 255, 42},
            {4, -32768, -1024, -1, 0, 3071, 32767},
            {512, 0, 1, 32767, 32768, 65535, 4000},
            {8, -2147483, -1000, 0, 7, 100000, 2147483},
            {16, -1000.5, -0.25, 0, 1e-3, 3.5e6, 42.75},
            {64, -1000.5, -0.25, 0, 1e-3, 3.5e6, 42.75}};
        for (double[] c : cases) {
            int dt = (int) c[0];
            double[] v = Arrays.copyOfRange(c, 1, c.length);
            for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                Raw r = lpsRaw(3, 2, 1, v, dt);
                r.order = order;
                r.data = encode(v, dt, order);
                Path f = r.write(dir.resolve("dt" + dt + order + ".nii"));
                NiftiVolume vol = NiftiReader.read(f);
                assertEquals(6, vol.data().length);
                for (int i = 0; i < v.length; i++) {
                    assertEquals((float) v[i], vol.data()[i], 0f, "datatype " + dt + " " + order + " voxel " + i);
                }
                assertEquals(List.of(), vol.warnings());
                assertEquals("LPS", vol.sourceAxes());
                assertEquals(order, NiftiReader.readHeader(f).order());
            }
        }
    }

    @Test
    void bigEndianGzippedInt16WithScalingGivesHounsfieldUnits() throws IOException {
        double[] stored = {0, 24, 1024, 2048, 4095, 1000};
        Raw r = lpsRaw(2, 3, 1, stored, 4);
        r.order = ByteOrder.BIG_ENDIAN;
        r.data = encode(stored, 4, r.order);
        r.slope = 1;
        r.inter = -1024;
        NiftiVolume v = NiftiReader.read(r.write(dir.resolve("ct_be.nii.gz")));
        assertArrayEquals(new float[] {-1024, -1000, 0, 1024, 3071, -24}, v.data());
    }

    @Test
    void scalingSlopeZeroMeansNoScaling() throws IOException {
        double[] stored = {1, 2, 3, 4};
        Raw r = lpsRaw(4, 1, 1, stored, 4);
        r.slope = 0;
        r.inter = 500; // must be ignored
        assertArrayEquals(new float[] {1, 2, 3, 4}, NiftiReader.read(r.write(dir.resolve("s0.nii"))).data());
        r.slope = 2.5f;
        r.inter = -10;
        assertArrayEquals(new float[] {-7.5f, -5, -2.5f, 0}, NiftiReader.read(r.write(dir.resolve("s1.nii"))).data());
    }

    @Test
    void writerRoundTripsFloat32Int16AndUInt8PlainAndGzipped() throws IOException {
        int w = 7, h = 5, d = 3;
        float[] f = new float[w * h * d];
        byte[] b = new byte[f.length];
        short[] s = new short[f.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (i * 1.5 - 1000.25);
            b[i] = (byte) (i * 11);
            s[i] = (short) (i * 731 - 32768);
        }
        NiftiGeometry g = new NiftiGeometry(w, h, d, new Calibration3D(0.7, 0.8, 2.5, "mm"), new double[] {12.5, -3, 40});
        for (String ext : List.of(".nii", ".nii.gz")) {
            Path pf = dir.resolve("f" + ext);
            NiftiWriter.writeFloat32(pf, g, f);
            NiftiVolume vf = NiftiReader.read(pf);
            assertArrayEquals(f, vf.data());
            assertEquals(List.of(), vf.warnings());
            assertEquals("LPS", vf.sourceAxes());
            assertGeometry(g, vf.geometry());
            assertEquals(NiftiDataType.FLOAT32.code(), NiftiReader.readHeader(pf).datatype());

            Path pb = dir.resolve("b" + ext);
            NiftiWriter.writeUInt8(pb, g, b);
            NiftiVolume vb = NiftiReader.read(pb);
            for (int i = 0; i < b.length; i++) {
                assertEquals(b[i] & 0xff, vb.data()[i], 0f);
            }
            assertGeometry(g, vb.geometry());
            assertEquals(NiftiDataType.UINT8.code(), NiftiReader.readHeader(pb).datatype());

            Path ps = dir.resolve("s" + ext);
            NiftiWriter.writeInt16(ps, g, s);
            NiftiVolume vs = NiftiReader.read(ps);
            for (int i = 0; i < s.length; i++) {
                assertEquals(s[i], vs.data()[i], 0f);
            }
            assertGeometry(g, vs.geometry());
            assertEquals(NiftiDataType.INT16.code(), NiftiReader.readHeader(ps).datatype());
        }
        assertEquals(0x1f, Files.readAllBytes(dir.resolve("f.nii.gz"))[0] & 0xff, "gzip magic");
        // ImgLib2 view and the ImageJ path
        NiftiVolume v = NiftiReader.read(dir.resolve("f.nii.gz"));
        RandomAccess<FloatType> ra = v.img().randomAccess();
        ra.setPosition(new long[] {3, 2, 1});
        assertEquals(f[3 + w * (2 + h)], ra.get().get(), 0f);
        var gray = ImageFiles.read(dir.resolve("f.nii.gz"));
        assertEquals(32, gray.bitDepth());
        assertEquals(d, gray.depth());
        assertArrayEquals(f, gray.pixels());
        assertEquals(0.7, gray.calibration().pixelWidth(), 1e-6);
        assertEquals("mm", gray.calibration().unit());
    }

    private static void assertGeometry(NiftiGeometry expected, NiftiGeometry actual) {
        assertEquals(expected.width(), actual.width());
        assertEquals(expected.height(), actual.height());
        assertEquals(expected.depth(), actual.depth());
        assertEquals(expected.calibration().pixelWidth(), actual.calibration().pixelWidth(), 1e-6);
        assertEquals(expected.calibration().pixelHeight(), actual.calibration().pixelHeight(), 1e-6);
        assertEquals(expected.calibration().pixelDepth(), actual.calibration().pixelDepth(), 1e-6);
        assertArrayEquals(expected.originRas(), actual.originRas(), 1e-4);
    }

    /** Unique value of canonical voxel (x,y,z). */
    private static float canon(int x, int y, int z) {
        return x + 100 * y + 10000 * z;
    }

    /**
     * Builds a file whose voxel axis {@code perm[c]} holds canonical axis c (reversed if flip[c])
     * with a matching sform, and checks the reader restores the canonical layout exactly.
     */
    private NiftiVolume checkOrientation(String name, int[] perm, boolean[] flip, String expectedAxes, boolean qform)
            throws IOException {
        int[] od = {4, 3, 5};
        double[] sp = {0.6, 0.9, 2.0};
        double[] canonSign = {-1, -1, 1}; // canonical x -> L (-R), y -> P (-A), z -> S
        int[] n = new int[3];
        double[][] m = new double[3][4];
        for (int c = 0; c < 3; c++) {
            n[perm[c]] = od[c];
            m[c][perm[c]] = (flip[c] ? -canonSign[c] : canonSign[c]) * sp[c];
        }
        m[0][3] = 10;
        m[1][3] = -20;
        m[2][3] = 30;
        double[] values = new double[n[0] * n[1] * n[2]];
        int[] ijk = new int[3];
        for (ijk[2] = 0; ijk[2] < n[2]; ijk[2]++) {
            for (ijk[1] = 0; ijk[1] < n[1]; ijk[1]++) {
                for (ijk[0] = 0; ijk[0] < n[0]; ijk[0]++) {
                    int[] xyz = new int[3];
                    for (int c = 0; c < 3; c++) {
                        int s = ijk[perm[c]];
                        xyz[c] = flip[c] ? od[c] - 1 - s : s;
                    }
                    values[ijk[0] + n[0] * (ijk[1] + n[1] * ijk[2])] = canon(xyz[0], xyz[1], xyz[2]);
                }
            }
        }
        Raw r = new Raw().dims(n[0], n[1], n[2]);
        r.data = encode(values, 16, r.order);
        if (qform) {
            setQform(r, m);
        } else {
            r.sform(m);
        }
        Path file = r.write(dir.resolve(name + ".nii"));
        NiftiVolume v = NiftiReader.read(file);
        try (NiftiReader.Loading loading = NiftiReader.start(file)) { // the same, read on a background thread
            NiftiVolume b = loading.finish();
            assertArrayEquals(v.data(), b.data(), name + " read in the background");
            assertGeometry(v.geometry(), b.geometry());
            assertEquals(v.warnings(), b.warnings());
        }
        assertEquals(expectedAxes, v.sourceAxes(), name);
        assertEquals(od[0], v.width(), name);
        assertEquals(od[1], v.height(), name);
        assertEquals(od[2], v.depth(), name);
        assertEquals(sp[0], v.calibration().pixelWidth(), 1e-6, name);
        assertEquals(sp[1], v.calibration().pixelHeight(), 1e-6, name);
        assertEquals(sp[2], v.calibration().pixelDepth(), 1e-6, name);
        for (int z = 0; z < od[2]; z++) {
            for (int y = 0; y < od[1]; y++) {
                for (int x = 0; x < od[0]; x++) {
                    assertEquals(canon(x, y, z), v.data()[x + od[0] * (y + od[1] * z)], 0f, name + " at " + x + "," + y + "," + z);
                }
            }
        }
        // origin = world position of canonical voxel (0,0,0)
        int[] src0 = new int[3];
        for (int c = 0; c < 3; c++) {
            src0[perm[c]] = flip[c] ? od[c] - 1 : 0;
        }
        for (int row = 0; row < 3; row++) {
            double wpos = m[row][0] * src0[0] + m[row][1] * src0[1] + m[row][2] * src0[2] + m[row][3];
            assertEquals(wpos, v.geometry().originRas()[row], 1e-4, name + " origin");
        }
        return v;
    }

    /** Encodes a signed-permutation matrix as a qform (quaternion + qfac + pixdim). */
    private static void setQform(Raw r, double[][] m) {
        double[][] rot = new double[3][3];
        for (int j = 0; j < 3; j++) {
            double len = Math.abs(m[0][j]) + Math.abs(m[1][j]) + Math.abs(m[2][j]);
            r.pixdim[j + 1] = (float) len;
            for (int i = 0; i < 3; i++) {
                rot[i][j] = m[i][j] / len;
            }
        }
        double det = rot[0][0] * (rot[1][1] * rot[2][2] - rot[1][2] * rot[2][1])
                - rot[0][1] * (rot[1][0] * rot[2][2] - rot[1][2] * rot[2][0])
                + rot[0][2] * (rot[1][0] * rot[2][1] - rot[1][1] * rot[2][0]);
        if (det < 0) { // qfac -1: negate the third column
            r.pixdim[0] = -1;
            for (int i = 0; i < 3; i++) {
                rot[i][2] = -rot[i][2];
            }
        } else {
            r.pixdim[0] = 1;
        }
        // rotation matrix -> quaternion (Shepperd)
        double tr = rot[0][0] + rot[1][1] + rot[2][2];
        double a, b, c, d;
        if (tr > 0) {
            a = 0.5 * Math.sqrt(1 + tr);
            b = (rot[2][1] - rot[1][2]) / (4 * a);
            c = (rot[0][2] - rot[2][0]) / (4 * a);
            d = (rot[1][0] - rot[0][1]) / (4 * a);
        } else if (rot[0][0] >= rot[1][1] && rot[0][0] >= rot[2][2]) {
            b = 0.5 * Math.sqrt(1 + rot[0][0] - rot[1][1] - rot[2][2]);
            a = (rot[2][1] - rot[1][2]) / (4 * b);
            c = (rot[0][1] + rot[1][0]) / (4 * b);
            d = (rot[0][2] + rot[2][0]) / (4 * b);
        } else if (rot[1][1] >= rot[2][2]) {
            c = 0.5 * Math.sqrt(1 + rot[1][1] - rot[0][0] - rot[2][2]);
            a = (rot[0][2] - rot[2][0]) / (4 * c);
            b = (rot[0][1] + rot[1][0]) / (4 * c);
            d = (rot[1][2] + rot[2][1]) / (4 * c);
        } else {
            d = 0.5 * Math.sqrt(1 + rot[2][2] - rot[0][0] - rot[1][1]);
            a = (rot[1][0] - rot[0][1]) / (4 * d);
            b = (rot[0][2] + rot[2][0]) / (4 * d);
            c = (rot[1][2] + rot[2][1]) / (4 * d);
        }
        if (a < 0) {
            b = -b;
            c = -c;
            d = -d;
        }
        r.qcode = 1;
        r.scode = 0;
        r.quat = new float[] {(float) b, (float) c, (float) d};
        r.qoff = new float[] {(float) m[0][3], (float) m[1][3], (float) m[2][3]};
    }

    @Test
    void axisAlignedOrientationsAreReorderedExactly() throws IOException {
        int[] id = {0, 1, 2};
        boolean[] none = {false, false, false};
        for (boolean q : new boolean[] {false, true}) {
            String s = q ? "q" : "s";
            checkOrientation(s + "lps", id, none, "LPS", q);
            checkOrientation(s + "ras", id, new boolean[] {true, true, false}, "RAS", q);
            checkOrientation(s + "las", id, new boolean[] {false, true, false}, "LAS", q);
            checkOrientation(s + "lpi", id, new boolean[] {false, false, true}, "LPI", q);
            checkOrientation(s + "rai", id, new boolean[] {true, true, true}, "RAI", q);
            // sagittal: i = A->P? here i runs along y (P), j along z (S), k along x (R)
            checkOrientation(s + "sag", new int[] {2, 0, 1}, new boolean[] {true, false, false}, "PSR", q);
            // coronal: i along x (L->R flipped), j along z (inferior), k along y (P)
            checkOrientation(s + "cor", new int[] {0, 2, 1}, new boolean[] {true, false, true}, "RIP", q);
        }
    }

    @Test
    void obliqueIsSnappedToNearestAxesWithWarning() throws IOException {
        double t = Math.toRadians(10);
        Raw r = new Raw().dims(3, 2, 2);
        double[] values = new double[12];
        for (int i = 0; i < 12; i++) {
            values[i] = i;
        }
        r.data = encode(values, 16, r.order);
        // RAS rotated by 10 degrees about z
        r.sform(new double[][] {{Math.cos(t), -Math.sin(t), 0, 0}, {Math.sin(t), Math.cos(t), 0, 0}, {0, 0, 3, 0}});
        NiftiVolume v = NiftiReader.read(r.write(dir.resolve("obl.nii")));
        assertEquals("RAS", v.sourceAxes());
        assertTrue(v.warnings().stream().anyMatch(w -> w.contains("oblique") && w.contains("10.0")), v.warnings().toString());
        // RAS -> flip x and y
        assertEquals(5f, v.data()[0], 0f); // canonical (0,0,0) = source (2,1,0)
        assertEquals(3f, v.calibration().pixelDepth(), 1e-6);
    }

    @Test
    void missingOrientationFollowsMethodOneWithWarning() throws IOException {
        Raw r = new Raw().dims(2, 1, 1);
        r.data = encode(new double[] {1, 2}, 16, r.order);
        r.pixdim = new float[] {0, 0.5f, 0.5f, 4, 0, 0, 0, 0};
        NiftiVolume v = NiftiReader.read(r.write(dir.resolve("m1.nii")));
        assertEquals("RAS", v.sourceAxes());
        assertArrayEquals(new float[] {2, 1}, v.data());
        assertEquals(4, v.calibration().pixelDepth(), 1e-6);
        assertTrue(v.warnings().stream().anyMatch(w -> w.contains("method 1")), v.warnings().toString());
    }

    @Test
    void spatialUnitsAreConvertedToMillimetres() throws IOException {
        for (int[] u : new int[][] {{1, 1000}, {3, 1}, {2, 1}, {2 | 8, 1}}) {
            Raw r = lpsRaw(1, 1, 1, new double[] {0}, 16);
            double s = u[0] == 1 ? 0.0007 : u[0] == 3 ? 700 : 0.7; // 0.7 mm in each unit
            r.units = u[0];
            r.sform(new double[][] {{-s, 0, 0, 0}, {0, -s, 0, 0}, {0, 0, s, 0}});
            NiftiVolume v = NiftiReader.read(r.write(dir.resolve("u" + u[0] + ".nii")));
            assertEquals(0.7, v.calibration().pixelWidth(), 1e-6, "units " + u[0]);
            assertEquals("mm", v.calibration().unit());
        }
        Raw r = lpsRaw(1, 1, 1, new double[] {0}, 16);
        r.units = 0;
        assertTrue(NiftiReader.read(r.write(dir.resolve("u0.nii"))).warnings().stream()
                .anyMatch(w -> w.contains("assumed millimetres")));
    }

    @Test
    void fourDimensionalFileReadsFirstVolumeWithWarning() throws IOException {
        Raw r = new Raw().dims(2, 1, 1, 3);
        r.data = encode(new double[] {1, 2, 3, 4, 5, 6}, 16, r.order);
        r.sform(new double[][] {{-1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}});
        NiftiVolume v = NiftiReader.read(r.write(dir.resolve("t.nii")));
        assertArrayEquals(new float[] {1, 2}, v.data());
        assertTrue(v.warnings().get(0).contains("3 volumes"));
    }

    @Test
    void truncatedFilesAreReportedWithTheirName() throws IOException {
        double[] v = new double[64];
        Raw r = lpsRaw(4, 4, 4, v, 4);
        byte[] full = r.bytes();
        Path cut = Files.write(dir.resolve("cut.nii"), Arrays.copyOf(full, full.length - 10));
        IOException e = assertThrows(IOException.class, () -> NiftiReader.read(cut));
        assertTrue(e.getMessage().contains("cut.nii") && e.getMessage().contains("truncated"), e.getMessage());
        // an uncompressed file too short for its header is refused before the volume is allocated (issue 19)
        assertEquals(e.getMessage(), assertThrows(IOException.class, () -> NiftiReader.start(cut)).getMessage());
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(zipped)) {
            z.write(Arrays.copyOf(full, full.length - 10));
        }
        Path cutZ = Files.write(dir.resolve("cutz.nii.gz"), zipped.toByteArray());
        try (NiftiReader.Loading loading = NiftiReader.start(cutZ)) { // slices are handed on as they are read
            assertDoesNotThrow(() -> loading.await(3));
            UncheckedIOException u = assertThrows(UncheckedIOException.class, () -> loading.await(4));
            assertTrue(u.getCause().getMessage().contains("cutz.nii.gz")
                    && u.getCause().getMessage().contains("truncated"), u.getCause().getMessage());
            assertEquals(u.getCause().getMessage(), assertThrows(IOException.class, loading::finish).getMessage());
        }

        Path header = Files.write(dir.resolve("hdr.nii"), Arrays.copyOf(full, 200));
        e = assertThrows(IOException.class, () -> NiftiReader.read(header));
        assertTrue(e.getMessage().contains("hdr.nii") && e.getMessage().contains("truncated"), e.getMessage());

        Path gz = r.write(dir.resolve("full.nii.gz"));
        byte[] g = Files.readAllBytes(gz);
        Path gzCut = Files.write(dir.resolve("cut.nii.gz"), Arrays.copyOf(g, g.length / 2));
        e = assertThrows(IOException.class, () -> NiftiReader.read(gzCut));
        assertTrue(e.getMessage().contains("cut.nii.gz"), e.getMessage());

        Path empty = Files.write(dir.resolve("empty.nii"), new byte[0]);
        e = assertThrows(IOException.class, () -> NiftiReader.read(empty));
        assertTrue(e.getMessage().contains("empty.nii"), e.getMessage());
    }

    @Test
    void unsupportedDatatypeAndNonNiftiAreClearErrors() throws IOException {
        Raw r = lpsRaw(1, 1, 1, new double[] {0}, 16);
        r.datatype = 32;
        r.bitpix = 64;
        r.data = new byte[8];
        Path f = r.write(dir.resolve("complex.nii"));
        IOException e = assertThrows(IOException.class, () -> NiftiReader.read(f));
        assertTrue(e.getMessage().contains("complex.nii") && e.getMessage().contains("32")
                && e.getMessage().contains("complex64"), e.getMessage());

        Path junk = Files.write(dir.resolve("junk.nii"), new byte[400]);
        e = assertThrows(IOException.class, () -> NiftiReader.read(junk));
        assertTrue(e.getMessage().contains("junk.nii") && e.getMessage().contains("348"), e.getMessage());

        Raw pair = lpsRaw(1, 1, 1, new double[] {0}, 16);
        pair.magic = "ni1";
        Path p = pair.write(dir.resolve("pair.nii"));
        e = assertThrows(IOException.class, () -> NiftiReader.read(p));
        assertTrue(e.getMessage().contains("pair.nii") && e.getMessage().contains(".hdr/.img"), e.getMessage());
    }

    @Test
    void writerRefusesProtectedTargetAndLeavesNoTemporaryFiles() throws IOException {
        NiftiGeometry g = NiftiGeometry.of(2, 2, 1, Calibration3D.of(1, 1, "mm"));
        Path in = dir.resolve("in.nii.gz");
        NiftiWriter.writeUInt8(in, g, new byte[4]);
        assertThrows(IOException.class, () -> NiftiWriter.writeFloat32(in, g, new float[4], in));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("in.nii.gz"), s.map(x -> x.getFileName().toString()).toList());
        }
    }

    @Test
    void phantomVolumeRoundTripsThroughNiftiInHu() throws IOException {
        PhantomVolume pv = new PhantomGenerator(5).volume(PhantomGenerator.Params.defaults().withSize(64), 6, 2.5);
        Path f = PhantomNifti.write(pv, dir.resolve("phantom.nii.gz"));
        NiftiVolume v = NiftiReader.read(f);
        assertArrayEquals(pv.hu(), v.data());
        assertEquals(pv.calibration().pixelWidth(), v.calibration().pixelWidth(), 1e-6);
        assertEquals(2.5, v.calibration().pixelDepth(), 1e-6);
        Path mask = PhantomNifti.writeMask(pv.lung(), pv, dir.resolve("lung.nii.gz"));
        float[] m = NiftiReader.read(mask).data();
        for (int i = 0; i < m.length; i++) {
            assertEquals(pv.lung()[i], m[i], 0f);
        }
    }

    @Test
    void segmentationPicksUpNiftiInputsByFullExtension() throws IOException {
        Path a = Files.write(dir.resolve("a.nii.gz"), new byte[] {1});
        Path b = Files.write(dir.resolve("b.nii"), new byte[] {1});
        Files.write(dir.resolve("c.txt"), new byte[] {1});
        assertEquals(List.of(a, b), FileSegmentation.expand(List.of(dir)));
        assertEquals("a", NiftiReader.baseName(a));
        assertEquals("b", NiftiReader.baseName(b));
        assertEquals("x.y", NiftiReader.baseName(Path.of("x.y.NII.GZ")));
        Files.write(dir.resolve("a.nii"), new byte[] {1});
        assertThrows(IOException.class, () -> FileSegmentation.expand(List.of(dir)), "a.nii and a.nii.gz clash");
    }
}
