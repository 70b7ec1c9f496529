package org.infnet.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPOutputStream;
import org.infnet.io.HostileFiles;
import org.infnet.image.ImageConversions;
import org.infnet.io.ImageFiles;
import org.infnet.io.TestFiles;
import org.infnet.io.nifti.NiftiReader;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test over image files and NIfTI headers (issue 19): random dimensions, pixel types, palettes, alpha
 * channels, NIfTI datatypes, byte orders, scalings, offsets, orientations and units, then random truncations, byte
 * flips and trailing garbage. For every file, segmenting it gives either a correct result (its outputs and nothing
 * else in the output folder, probabilities finite in [0,1], one per input pixel) or one clean error (an {@link
 * IOException} whose single-line message names the file and shows no exception class, and nothing written); never
 * another exception, a hang, a partial output, a temporary file, or a changed input.
 *
 * <p>The cases come from a seeded {@link Random}: {@value #CASES} of them, run in order until the time budget of
 * {@value #BUDGET_S} s is spent (a slow machine runs a prefix of the same sequence; at least {@value #MIN_CASES}
 * must run). Each case has {@value #CASE_TIMEOUT_S} s before it counts as a hang.
 */
class InputFuzzTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    static final int CASES = 400;
    static final int MIN_CASES = 25;
    static final long BUDGET_S = 60;
    static final long CASE_TIMEOUT_S = 60;
    static final long SEED = 19;

    @TempDir
    static Path shared;
    static NetworkModel<InfNet> model;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        model = ModelKind.INFNET.load(TestModels.randomTiny(shared.resolve("model")), Device.cpu());
        model.freeze();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** One generated file: its name, bytes and what it is. */
    private record Case(String name, byte[] bytes, String what) {}

    @Test
    void everyFileGivesAResultOrOneCleanError() throws Exception {
        Random r = new Random(SEED);
        var job = new FileSegmentation<>(new InfectionSegmenter(model,
                InfectionSegmenter.Options.DEFAULT.withEdges(false)));
        ExecutorService runner = Executors.newSingleThreadExecutor();
        long t0 = System.nanoTime();
        int done = 0;
        int succeeded = 0;
        List<String> kinds = new ArrayList<>();
        try {
            for (int i = 0; i < CASES && (System.nanoTime() - t0) / 1e9 < BUDGET_S; i++) {
                Case c = mutate(generate(r, i), r);
                Path caseDir = Files.createDirectories(dir.resolve("case" + i));
                Path in = Files.write(caseDir.resolve(c.name), c.bytes);
                Path out = caseDir.resolve("out");
                Future<FileSegmentation.Written> f = runner.submit(() -> job.segment(in, out, List.of(in),
                        Progress.NONE));
                String label = "case " + i + " " + in.getFileName() + " (" + c.what + ", " + c.bytes.length + " bytes)";
                try {
                    FileSegmentation.Written w = f.get(CASE_TIMEOUT_S, TimeUnit.SECONDS);
                    checkResult(label, in, out, w);
                    succeeded++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    fail(label + " hangs; the file is kept as " + keep(in));
                } catch (java.util.concurrent.ExecutionException e) {
                    checkError(label, in, out, e.getCause());
                    kinds.add(e.getCause().getMessage().replace(in.toString(), "X"));
                }
                assertArrayEquals(c.bytes, Files.readAllBytes(in), label + ": the input changed");
                if (Boolean.getBoolean("fuzz.verbose")) {
                    System.out.printf("%s: %.2f s%n", label, (System.nanoTime() - t0) / 1e9);
                }
                done++;
                deleteTree(caseDir);
            }
        } finally {
            runner.shutdownNow();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "InputFuzzTest: %d cases (seed %d) in %.1f s: %d segmented, %d"
                + " refused with one clean line%n", done, SEED, s, succeeded, done - succeeded);
        assertTrue(done >= MIN_CASES, "only " + done + " cases ran in " + BUDGET_S + " s");
        assertTrue(succeeded > done / 10 && done - succeeded > done / 10, "both outcomes are exercised: " + succeeded
                + " of " + done + " segmented");
    }

    private static void checkResult(String label, Path in, Path out, FileSegmentation.Written w) throws IOException {
        List<String> names = w.outputs().stream().map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(names, TestFiles.listing(out), label + ": exactly the outputs, no temporary file");
        assertEquals(2, names.size(), label);
        Path prob = w.outputs().stream().filter(p -> p.getFileName().toString().contains("_prob.")).findFirst()
                .orElseThrow();
        float[] p = NiftiReader.isNifti(prob) ? NiftiReader.read(prob).data()
                : ImageConversions.toFloatArray(ImageFiles.open(prob));
        assertEquals(w.pixels(), p.length, label + ": one probability per pixel");
        for (float v : p) {
            assertTrue(v >= 0 && v <= 1, label + ": probability " + v);
        }
    }

    private static void checkError(String label, Path in, Path out, Throwable e) throws IOException {
        if (!(e instanceof IOException) || e.getMessage() == null) {
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            fail(label + ": not a clean error: " + sw);
        }
        String m = e.getMessage();
        assertTrue(!m.contains("\n") && !m.contains("Exception") && !m.contains("java."), label + ": " + m);
        assertTrue(m.contains(in.getFileName().toString()), label + ": names the file: " + m);
        assertEquals(List.of(), TestFiles.listing(out), label + ": nothing written after: " + m);
    }

    // ---- generation ---------------------------------------------------------------------------------

    private static int size(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 1;
            case 1 -> 2 + r.nextInt(3);
            default -> 5 + r.nextInt(44);
        };
    }

    private static Case generate(Random r, int i) throws IOException {
        Path tmp = Files.createTempFile("fuzz", ".bin");
        try {
            int w = size(r);
            int h = size(r);
            return switch (r.nextInt(8)) {
                case 0 -> {
                    int d = r.nextInt(4) == 0 ? 2 + r.nextInt(3) : 1;
                    int bits = new int[] {8, 16, 32}[r.nextInt(3)];
                    ImageFiles.writeTiff(tmp, tiff(r, w, h, d, bits));
                    yield new Case("t" + i + ".tif", Files.readAllBytes(tmp), "ImageJ TIFF " + w + "x" + h + "x" + d
                            + " " + bits + "-bit");
                }
                case 1 -> {
                    byte[] px = new byte[w * h];
                    r.nextBytes(px);
                    ImageFiles.writePng8(tmp, px, w, h);
                    yield new Case("g" + i + ".png", Files.readAllBytes(tmp), "gray PNG " + w + "x" + h);
                }
                case 2 -> {
                    byte[] px = new byte[w * h];
                    byte[][] pal = new byte[3][256];
                    r.nextBytes(px);
                    boolean gray = r.nextBoolean();
                    r.nextBytes(pal[0]);
                    r.nextBytes(pal[1]);
                    r.nextBytes(pal[2]);
                    if (gray) {
                        pal[1] = pal[0];
                        pal[2] = pal[0];
                    }
                    HostileFiles.palettePng(tmp, px, w, h, pal[0], pal[1], pal[2]);
                    yield new Case("p" + i + ".png", Files.readAllBytes(tmp), (gray ? "gray" : "colour")
                            + " palette PNG " + w + "x" + h);
                }
                case 3 -> {
                    int[] g = new int[w * h];
                    int[] a = new int[w * h];
                    for (int k = 0; k < g.length; k++) {
                        g[k] = r.nextInt(256);
                        a[k] = r.nextBoolean() ? 255 : r.nextInt(256);
                    }
                    if (r.nextBoolean()) {
                        HostileFiles.grayAlphaPng(tmp, g, a, w, h);
                        yield new Case("a" + i + ".png", Files.readAllBytes(tmp), "gray+alpha PNG " + w + "x" + h);
                    }
                    int[] rgb = new int[w * h];
                    for (int k = 0; k < rgb.length; k++) {
                        rgb[k] = r.nextInt(1 << 24);
                    }
                    HostileFiles.rgbaPng(tmp, rgb, a, w, h);
                    yield new Case("c" + i + ".png", Files.readAllBytes(tmp), "RGBA PNG " + w + "x" + h);
                }
                case 4 -> {
                    int[] v = new int[w * h];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = r.nextInt(65536);
                    }
                    HostileFiles.png16(tmp, v, w, h);
                    yield new Case("s" + i + ".png", Files.readAllBytes(tmp), "16-bit PNG " + w + "x" + h);
                }
                default -> nifti(r, i, w, h);
            };
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ij.ImagePlus tiff(Random r, int w, int h, int d, int bits) {
        ij.ImageStack st = new ij.ImageStack(w, h);
        for (int z = 0; z < d; z++) {
            ij.process.ImageProcessor ip = switch (bits) {
                case 8 -> new ij.process.ByteProcessor(w, h);
                case 16 -> new ij.process.ShortProcessor(w, h);
                default -> new ij.process.FloatProcessor(w, h);
            };
            for (int k = 0; k < w * h; k++) {
                if (bits == 32) {
                    float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1e30f, 1e30f};
                    ip.setf(k, r.nextInt(20) == 0 ? special[r.nextInt(special.length)] : r.nextFloat() * 3000 - 1500);
                } else {
                    ip.set(k, r.nextInt(bits == 8 ? 256 : 65536));
                }
            }
            st.addSlice(ip);
        }
        return new ij.ImagePlus("fuzz", st);
    }

    private static Case nifti(Random r, int i, int w, int h) throws IOException {
        int[] types = {2, 4, 8, 16, 64, 512};
        int type = r.nextInt(12) == 0 ? new int[] {0, 1, 32, 128, 256, 1536, 2304, 999}[r.nextInt(8)]
                : types[r.nextInt(types.length)];
        int bytesPer = switch (type) {
            case 2 -> 1;
            case 4, 512 -> 2;
            case 64 -> 8;
            default -> 4;
        };
        short dims = (short) (r.nextInt(10) == 0 ? r.nextInt(9) - 1 : 2 + r.nextInt(4));
        int d = 1 + r.nextInt(4);
        short[] dim = {dims, (short) w, (short) h, (short) d, 1, 1, 1, 1};
        if (dims >= 4 && r.nextBoolean()) {
            dim[4] = (short) (1 + r.nextInt(3));
        }
        if (r.nextInt(15) == 0) {
            dim[1 + r.nextInt(3)] = (short) (r.nextInt(3) - 1); // 0, -1 or 1
        }
        float[] slopes = {1, 0, 2.5f, -1, Float.NaN, Float.POSITIVE_INFINITY, 1e-30f, 1e30f};
        float slope = r.nextBoolean() ? 1 : slopes[r.nextInt(slopes.length)];
        float inter = r.nextBoolean() ? 0 : new float[] {-1024, 1024, Float.NaN, -1e30f}[r.nextInt(4)];
        ByteOrder order = r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int units = new int[] {2, 2, 0, 1, 3, 10, 7}[r.nextInt(7)];
        var hd = HostileFiles.niftiHeader(order, dim, type, bytesPer * 8, slope, inter, r.nextBoolean(), units);
        long voxels = (long) Math.max(1, w) * Math.max(1, h) * d * Math.max(1, dim[4]);
        double[] v = new double[(int) voxels];
        for (int k = 0; k < v.length; k++) {
            v[k] = switch (type) {
                case 2 -> r.nextInt(256);
                case 512 -> r.nextInt(65536);
                case 4 -> r.nextInt(65536) - 32768;
                case 8 -> r.nextInt(4000) - 2000;
                default -> r.nextInt(30) == 0 ? Double.NaN : r.nextDouble() * 3000 - 1500;
            };
        }
        byte[] vox = types(type) ? HostileFiles.voxels(v, type, order) : new byte[v.length * bytesPer];
        byte[] raw = HostileFiles.nifti(hd, vox);
        if (r.nextInt(8) == 0) {
            java.nio.ByteBuffer.wrap(raw).order(order).putFloat(108, new float[] {0, 100, 351, 1e9f, -5}[r.nextInt(5)]);
        }
        String what = "NIfTI dim " + java.util.Arrays.toString(dim) + " type " + type + " " + order + " scl " + slope
                + "/" + inter + " units " + units;
        if (r.nextBoolean()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
                gz.write(raw);
            }
            return new Case("n" + i + ".nii.gz", b.toByteArray(), what + " gz");
        }
        return new Case("n" + i + ".nii", raw, what);
    }

    private static boolean types(int type) {
        return type == 2 || type == 4 || type == 8 || type == 16 || type == 64 || type == 512;
    }

    /** Leaves a quarter of the files whole; the others truncated, flipped in a few bytes or with garbage after. */
    private static Case mutate(Case c, Random r) {
        byte[] b = c.bytes;
        return switch (r.nextInt(8)) {
            case 0, 1 -> new Case(c.name, java.util.Arrays.copyOf(b, 1 + r.nextInt(Math.max(1, b.length - 1))),
                    c.what + ", truncated");
            case 2 -> {
                byte[] m = b.clone();
                int k = 1 + r.nextInt(8);
                for (int j = 0; j < k; j++) {
                    m[r.nextInt(m.length)] ^= (byte) (1 + r.nextInt(255));
                }
                yield new Case(c.name, m, c.what + ", " + k + " bytes flipped");
            }
            case 3 -> {
                byte[] m = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(64));
                for (int j = b.length; j < m.length; j++) {
                    m[j] = (byte) r.nextInt(256);
                }
                yield new Case(c.name, m, c.what + ", garbage appended");
            }
            case 4 -> {
                // header-sized prefix of a header flip: bytes 0..347 touched (NIfTI fields, PNG/TIFF headers)
                byte[] m = b.clone();
                m[r.nextInt(Math.min(m.length, 348))] ^= (byte) (1 + r.nextInt(255));
                yield new Case(c.name, m, c.what + ", header byte flipped");
            }
            default -> c;
        };
    }

    /** Copies a failing case's file to {@code target/fuzz-failures/} for a closer look. */
    private static Path keep(Path in) throws IOException {
        Path k = Files.createDirectories(Path.of("target", "fuzz-failures")).resolve(in.getFileName());
        return Files.copy(in, k, java.nio.file.StandardCopyOption.REPLACE_EXISTING).toAbsolutePath();
    }

    private static void deleteTree(Path p) throws IOException {
        org.infnet.io.AtomicFiles.deleteTree(p);
    }
}
