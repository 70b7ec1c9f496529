package org.infnet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.infnet.analysis.LungSegmentation;
import org.infnet.analysis.VolumeAnalysis;
import org.infnet.analysis.VolumeBurden;
import org.infnet.cli.Main;
import org.infnet.io.nifti.NiftiReader;
import org.infnet.io.nifti.NiftiVolume;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomNifti;
import org.infnet.phantom.PhantomVolume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cohort job in Spark local mode (two task threads) on phantom CT volumes, checked against the CLI's
 * {@code segment} on the same volumes.
 */
class CohortJobTest {

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2]").appName("cohort-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** Phantom CT volumes (128x128, 4 slices of 5 mm; lesions differ by seed), written as NIfTI. */
    static List<Path> phantoms(Path folder, int n) throws IOException {
        Files.createDirectories(folder);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PhantomVolume v = new PhantomGenerator(11 + i).volume(PhantomGenerator.Params.defaults().withSize(128)
                    .withLesionCount(4), 4, 5.0);
            out.add(PhantomNifti.write(v, folder.resolve("ct" + i + ".nii.gz")));
        }
        return out;
    }

    /** A manifest CSV: {@code id,path,site,age}. */
    static Path csv(Path file, List<String> ids, List<Path> paths) throws IOException {
        StringBuilder sb = new StringBuilder("id,path,site,age\n");
        for (int i = 0; i < ids.size(); i++) {
            sb.append(ids.get(i)).append(',').append(paths.get(i).toAbsolutePath()).append(",site-")
                    .append((char) ('A' + i)).append(',').append(40 + i).append('\n');
        }
        return Files.writeString(file, sb.toString());
    }

    /** A file named like a NIfTI volume whose content is not one. */
    static Path corrupt(Path file) throws IOException {
        byte[] junk = new byte[4000];
        new java.util.Random(5).nextBytes(junk);
        junk[0] = 0x1f; // a gzip signature, then noise
        junk[1] = (byte) 0x8b;
        return Files.write(file, junk);
    }

    static Map<String, Row> table(Path output) {
        Map<String, Row> rows = new HashMap<>();
        for (Row r : spark.read().parquet(output.resolve("table").toString()).collectAsList()) {
            rows.put(r.getAs("id"), r);
        }
        return rows;
    }

    static int cli(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
        int status = Main.run(args, ps, ps);
        System.out.print(o.toString(StandardCharsets.UTF_8));
        return status;
    }

    @Test
    void tableEqualsTheCliAndACorruptVolumeIsAnErrorRow() throws IOException {
        List<Path> cts = new ArrayList<>(phantoms(dir.resolve("in"), 3));
        cts.add(corrupt(dir.resolve("in/broken.nii.gz")));
        Path manifest = csv(dir.resolve("manifest.csv"), List.of("p0", "p1", "p2", "bad"), cts);
        Path out = dir.resolve("out");
        int loads = Segmenters.loads();
        CohortJob.Summary s = CohortJob.run(spark, CohortConfig.of(manifest.toString(), out.toString()));
        System.out.println("[cohort] " + s);
        assertEquals(4, s.volumes());
        assertEquals(1, s.failed());
        assertEquals(0, s.reused());
        assertTrue(Segmenters.loads() - loads <= 1, "the models are loaded once per JVM, not once per volume");

        Map<String, Row> t = table(out);
        assertEquals(4, t.size());
        Row bad = t.get("bad");
        assertTrue(bad.<String>getAs("error").contains("broken.nii.gz"), bad.<String>getAs("error"));
        assertNull(bad.getAs("burden_percent"));
        assertNull(bad.getAs("slices"));
        assertEquals("site-D", bad.getAs("site"), "metadata columns are carried through failed rows too");
        assertFalse(Files.exists(out.resolve("volumes/bad/" + VolumeResult.DONE)));

        // the CLI on the same volumes, and the burden of the files it writes
        Path cliOut = dir.resolve("cli");
        List<String> args = new ArrayList<>(List.of("segment"));
        cts.subList(0, 3).forEach(p -> args.add(p.toString()));
        args.addAll(List.of("--output", cliOut.toString(), "--streams", "1"));
        assertEquals(0, cli(args.toArray(String[]::new)));
        LungSegmentation lungs = new LungSegmentation();
        for (int i = 0; i < 3; i++) {
            Row r = t.get("p" + i);
            assertNull(r.getAs("error"));
            assertEquals("site-" + (char) ('A' + i), r.getAs("site"));
            assertEquals(String.valueOf(40 + i), r.getAs("age"));
            assertEquals(4, (int) r.<Integer>getAs("slices"));
            assertEquals(128, (int) r.<Integer>getAs("width"));
            assertEquals(5.0, r.<Double>getAs("voxel_z_mm"), 1e-12);
            assertEquals("infnet-compact", r.getAs("model"));
            assertTrue(r.<String>getAs("model_version").matches("[0-9a-f]{12}"));
            assertTrue(r.<String>getAs("engine").startsWith("ONNX Runtime"), r.<String>getAs("engine"));
            assertFalse(r.<Boolean>getAs("reused"));
            assertNull(r.getAs("ggo_ml"), "GGO only when asked");
            Path ct = cts.get(i);
            VolumeBurden b = VolumeAnalysis.burden(ct, cliOut.resolve("ct" + i + "_mask.nii.gz"),
                    cliOut.resolve("ct" + i + "_prob.nii.gz"), lungs);
            System.out.printf(java.util.Locale.ROOT, "[cohort] p%d: spark lung %.4f mL, infected %.4f mL, burden %.6f%%"
                    + "; CLI burden %.6f%%%n", i, r.<Double>getAs("lung_ml"), r.<Double>getAs("infected_ml"),
                    r.<Double>getAs("burden_percent"), b.burdenPercent());
            assertTrue(b.lungVolumeMl() > 1, "the phantom has lungs");
            assertEquals(b.lungVolumeMl(), r.<Double>getAs("lung_ml"), 1e-6);
            assertEquals(b.infectedVolumeMl(), r.<Double>getAs("infected_ml"), 1e-6);
            assertEquals(b.infectedInLungVolumeMl(), r.<Double>getAs("infected_in_lung_ml"), 1e-6);
            assertEquals(b.burdenPercent(), r.<Double>getAs("burden_percent"), 1e-6);
            // the outputs: NIfTI on the CT's grid, the same voxels as the CLI's
            List<String> outputs = r.getList(r.fieldIndex("outputs"));
            assertEquals(3, outputs.size());
            NiftiVolume mask = NiftiReader.read(Path.of(outputs.get(1)));
            NiftiVolume cliMask = NiftiReader.read(cliOut.resolve("ct" + i + "_mask.nii.gz"));
            assertEquals(NiftiReader.read(ct).geometry(), mask.geometry());
            assertArrayEquals(cliMask.data(), mask.data());
            assertArrayEquals(NiftiReader.read(cliOut.resolve("ct" + i + "_prob.nii.gz")).data(),
                    NiftiReader.read(Path.of(outputs.get(0))).data());
            assertTrue(Files.isRegularFile(out.resolve("volumes/p" + i + "/" + VolumeResult.DONE)));
        }
    }

    @Test
    void reRunSkipsCompletedVolumesAndRedoesIncompleteOnes() throws IOException {
        List<Path> cts = new ArrayList<>(phantoms(dir.resolve("in"), 3));
        cts.add(corrupt(dir.resolve("in/broken.nii.gz")));
        Path manifest = csv(dir.resolve("manifest.csv"), List.of("p0", "p1", "p2", "bad"), cts);
        Path out = dir.resolve("out");
        CohortConfig c = CohortConfig.of(manifest.toString(), out.toString());
        CohortJob.run(spark, c);
        Map<String, Row> first = table(out);
        Map<Path, FileTime> times = new HashMap<>();
        for (String id : List.of("p0", "p1", "p2")) {
            for (String f : first.get(id).<String>getList(first.get(id).fieldIndex("outputs"))) {
                times.put(Path.of(f), Files.getLastModifiedTime(Path.of(f)));
            }
        }
        int loads = Segmenters.loads();

        CohortJob.Summary again = CohortJob.run(spark, c);
        System.out.println("[cohort] re-run: " + again);
        assertEquals(4, again.volumes());
        assertEquals(3, again.reused(), "the three complete volumes are not segmented again");
        assertEquals(1, again.failed(), "the failed volume is tried again, and fails again");
        assertEquals(loads, Segmenters.loads(), "same job, same JVM: the models are not loaded again");
        Map<String, Row> second = table(out);
        for (String id : List.of("p0", "p1", "p2")) {
            assertTrue(second.get(id).<Boolean>getAs("reused"));
            for (String col : List.of("burden_percent", "lung_ml", "infected_ml", "seconds", "model_version")) {
                assertEquals(first.get(id).<Object>getAs(col), second.get(id).<Object>getAs(col), col);
            }
        }
        for (Map.Entry<Path, FileTime> e : times.entrySet()) {
            assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), e.getKey() + " was not rewritten");
        }

        // a volume left incomplete (as by a job killed while writing it) is done again, with the same result
        Path p1Mask = Path.of(first.get("p1").<String>getList(first.get("p1").fieldIndex("outputs")).get(1));
        Files.delete(p1Mask);
        CohortJob.Summary third = CohortJob.run(spark, c);
        assertEquals(2, third.reused());
        Map<String, Row> t3 = table(out);
        assertFalse(t3.get("p1").<Boolean>getAs("reused"));
        assertTrue(Files.isRegularFile(p1Mask));
        assertEquals(first.get("p1").<Double>getAs("burden_percent"), t3.get("p1").<Double>getAs("burden_percent"),
                1e-12);
        try (var s = Files.list(out.resolve("volumes/p1"))) {
            assertEquals(List.of("ct1_lung.nii.gz", "ct1_mask.nii.gz", "ct1_prob.nii.gz", VolumeResult.DONE),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
        }
    }

    @Test
    void multiClassAddsGgoAndConsolidationVolumesAsTheCliCounts() throws IOException {
        List<Path> cts = phantoms(dir.resolve("in"), 1);
        Path manifest = csv(dir.resolve("manifest.csv"), List.of("m0"), cts);
        Path out = dir.resolve("out");
        CohortJob.Summary s = CohortJob.run(spark,
                CohortConfig.of(manifest.toString(), out.toString()).withMultiClass(true));
        System.out.println("[cohort] multi-class: " + s);
        assertEquals(0, s.failed());
        Row r = table(out).get("m0");
        assertEquals("infnet-compact+multiclass-compact", r.getAs("model"));
        Path cliOut = dir.resolve("cli");
        assertEquals(0, cli("segment", cts.get(0).toString(), "--output", cliOut.toString(), "--multiclass",
                "--prior-model", "infnet-compact"));
        float[] l = NiftiReader.read(cliOut.resolve("ct0_labels.nii.gz")).data(); // a NIfTI input gives NIfTI labels
        long ggo = 0, cons = 0;
        for (float v : l) {
            ggo += v == 1 ? 1 : 0;
            cons += v == 2 ? 1 : 0;
        }
        NiftiVolume ct = NiftiReader.read(cts.get(0));
        double voxelMl = ct.calibration().voxelVolume() / 1000.0;
        System.out.printf(java.util.Locale.ROOT, "[cohort] multi-class: GGO %.4f mL, consolidation %.4f mL (CLI %d, %d"
                + " voxels)%n", r.<Double>getAs("ggo_ml"), r.<Double>getAs("consolidation_ml"), ggo, cons);
        assertEquals(ggo * voxelMl, r.<Double>getAs("ggo_ml"), 1e-6);
        assertEquals(cons * voxelMl, r.<Double>getAs("consolidation_ml"), 1e-6);
        List<String> outputs = r.getList(r.fieldIndex("outputs"));
        assertEquals(4, outputs.size());
        NiftiVolume lab = NiftiReader.read(Path.of(outputs.get(3)));
        assertEquals(ct.geometry(), lab.geometry());
        assertArrayEquals(l, lab.data());
    }

    @Test
    void parquetManifestWithUnusableAndDuplicateIdsGivesErrorRowsNotAFailedJob() throws IOException {
        List<Path> cts = phantoms(dir.resolve("in"), 1);
        String ct = cts.get(0).toAbsolutePath().toString();
        List<Row> rows = List.of(RowFactory.create("ok", ct, 1L), RowFactory.create("../escape", ct, 2L),
                RowFactory.create("twice", ct, 3L), RowFactory.create("twice", ct, 4L),
                RowFactory.create("missing", dir.resolve("none.nii.gz").toString(), 5L),
                RowFactory.create("relative", "in/ct0.nii.gz", 6L)); // relative to the manifest's folder
        Path manifest = dir.resolve("manifest.parquet");
        spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.StringType, true),
                DataTypes.createStructField("path", DataTypes.StringType, true),
                DataTypes.createStructField("patient", DataTypes.LongType, true)))).write().parquet(manifest.toString());
        Path out = dir.resolve("out");
        CohortJob.Summary s = CohortJob.run(spark, CohortConfig.of(manifest.toString(), out.toString()));
        assertEquals(6, s.volumes());
        assertEquals(4, s.failed());
        List<Row> t = spark.read().parquet(out.resolve("table").toString()).collectAsList();
        assertEquals(6, t.size());
        Map<Long, Row> byPatient = new HashMap<>();
        t.forEach(r -> byPatient.put(r.getAs("patient"), r));
        assertNull(byPatient.get(1L).getAs("error"));
        assertNotNull(byPatient.get(1L).getAs("burden_percent"));
        assertTrue(byPatient.get(2L).<String>getAs("error").contains("not usable as a folder name"));
        assertFalse(Files.exists(dir.resolve("escape")));
        assertTrue(byPatient.get(3L).<String>getAs("error").contains("more than once"));
        assertTrue(byPatient.get(4L).<String>getAs("error").contains("more than once"));
        assertTrue(byPatient.get(5L).<String>getAs("error").contains("none.nii.gz"));
        assertNull(byPatient.get(6L).getAs("error"));
        assertEquals(byPatient.get(1L).<Double>getAs("burden_percent"), byPatient.get(6L).<Double>getAs("burden_percent"));
    }

    @Test
    void dicomSeriesFolderIsMeasuredAsTheSameVolumeInNifti() throws IOException {
        PhantomVolume v = new PhantomGenerator(21).volume(PhantomGenerator.Params.defaults().withSize(128)
                .withLesionCount(4), 4, 5.0);
        Path nii = PhantomNifti.writeInt16(v, dir.resolve("in/ct.nii.gz")); // HU rounded, as the DICOM stores them
        Path series = dir.resolve("in/dicom-series");
        TinyDicom.series(series, v.hu(), v.width(), v.height(), v.depth(), v.calibration().pixelWidth(), 5.0);
        Path manifest = csv(dir.resolve("manifest.csv"), List.of("nifti", "dicom"), List.of(nii, series));
        Path out = dir.resolve("out");
        CohortJob.Summary s = CohortJob.run(spark, CohortConfig.of(manifest.toString(), out.toString()));
        assertEquals(0, s.failed());
        Map<String, Row> t = table(out);
        Row a = t.get("nifti"), b = t.get("dicom");
        for (String col : List.of("slices", "width", "height", "voxel_x_mm", "voxel_z_mm", "lung_ml", "infected_ml",
                "burden_percent")) {
            assertEquals(a.<Object>getAs(col), b.<Object>getAs(col), col);
        }
        List<String> outputs = b.getList(b.fieldIndex("outputs"));
        assertTrue(outputs.get(1).endsWith("volumes/dicom/ct_mask.nii.gz"), outputs.get(1));
        assertArrayEquals(NiftiReader.read(Path.of(a.<String>getList(a.fieldIndex("outputs")).get(1))).data(),
                NiftiReader.read(Path.of(outputs.get(1))).data());
        assertEquals(NiftiReader.read(nii).geometry(), NiftiReader.read(Path.of(outputs.get(1))).geometry());
    }

    @Test
    void manifestWithoutPathColumnIsRefusedBeforeAnyWork() throws IOException {
        Path manifest = Files.writeString(dir.resolve("m.csv"), "id,file\na,b.nii.gz\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CohortJob.run(spark, CohortConfig.of(manifest.toString(), dir.resolve("o").toString())));
        assertTrue(e.getMessage().contains("'path'"), e.getMessage());
    }
}
