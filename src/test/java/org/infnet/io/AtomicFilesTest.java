package org.infnet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infnet.image.Calibration3D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults during writes: a full disk part-way, a folder in the way, a file where a folder should be. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        return TestFiles.listing(dir);
    }

    /** A stream that accepts {@code capacity} bytes and then fails like a full disk. */
    private static OutputStream diskWithRoomFor(OutputStream out, long capacity) {
        return new FilterOutputStream(out) {
            private long written;

            @Override
            public void write(int b) throws IOException {
                if (++written > capacity) {
                    throw new IOException("No space left on device");
                }
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        };
    }

    @Test
    void diskFullPartWayKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("scores.csv");
        Files.writeString(target, "old content\n");
        byte[] big = new byte[200_000];
        IOException e = assertThrows(IOException.class,
                () -> AtomicFiles.write(target, out -> diskWithRoomFor(out, 100_000).write(big)));
        assertEquals("cannot write " + target + ": No space left on device", e.getMessage());
        assertEquals("old content\n", Files.readString(target));
        assertEquals(List.of("scores.csv"), listing());
    }

    @Test
    void diskFullOnANewFileCreatesNothing() throws IOException {
        Path target = dir.resolve("case_prob.nii.gz");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[1000]);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("No space left"), e.getMessage());
        assertFalse(Files.exists(target));
        assertEquals(List.of(), listing());
    }

    @Test
    void aWriterThatWritesNothingIsAFailure() throws IOException {
        Path target = dir.resolve("empty.tif");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> { }));
        assertEquals("nothing was written to " + target, e.getMessage());
        assertEquals(List.of(), listing());
    }

    @Test
    void folderInTheWayAndFileAsFolderAreNamed() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("x.png"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(folder, "data"));
        assertEquals("Output path " + folder + " is a directory", e.getMessage());
        Path file = Files.writeString(dir.resolve("file"), "data");
        Path below = file.resolve("out.csv");
        e = assertThrows(IOException.class, () -> AtomicFiles.writeString(below, "data"));
        assertEquals("cannot write " + below + ": a file is where a folder is needed (" + file + ")", e.getMessage());
        assertEquals(List.of("file", "x.png"), listing());
    }

    /** Runs {@code write} on a disk that fills up after {@code capacity} bytes of the file. */
    private static IOException onFullDisk(long capacity, AtomicFiles.Writer write) {
        AtomicFiles.STREAM_FILTER.set(out -> diskWithRoomFor(out, capacity));
        try {
            return assertThrows(IOException.class, () -> write.write(null));
        } finally {
            AtomicFiles.STREAM_FILTER.remove();
        }
    }

    @Test
    void everyWriterFailsCleanlyOnAFullDisk() throws IOException {
        // first write every kind of output once, then again on a disk that fills up part-way
        float[] values = new float[64 * 64];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 31 % 97) / 97f;
        }
        byte[] mask = new byte[64 * 64];
        mask[5] = (byte) 255;
        Path tif = dir.resolve("a_prob.tif");
        Path png = dir.resolve("a_mask.png");
        Path nii = dir.resolve("a_prob.nii.gz");
        Path csv = dir.resolve("scores.csv");
        Path weights = dir.resolve("model.safetensors");
        var geometry = new org.infnet.io.nifti.NiftiGeometry(64, 64, 1, new Calibration3D(0.7, 0.7, 5, "mm"),
                new double[] {0, 0, 0});
        AtomicFiles.Writer[] writers = {
            x -> ImageFiles.writeFloatTiff(tif, values, 64, 64, null),
            x -> ImageFiles.writePng8(png, mask, 64, 64),
            x -> org.infnet.io.nifti.NiftiWriter.writeFloat32(nii, geometry, values),
            x -> AtomicFiles.writeString(csv, "name,dice\n" + "a,0.5\n".repeat(2000)),
            x -> SafeTensors.write(weights, java.util.Map.of("w", new SafeTensors.Tensor(new long[] {64, 64}, values)),
                    java.util.Map.of()),
        };
        Path[] targets = {tif, png, nii, csv, weights};
        for (int k = 0; k < writers.length; k++) {
            writers[k].write(null);
            byte[] good = Files.readAllBytes(targets[k]);
            IOException e = onFullDisk(good.length / 2, writers[k]);
            assertEquals("cannot write " + targets[k] + ": No space left on device", e.getMessage());
            assertArrayEquals(good, Files.readAllBytes(targets[k]), targets[k] + " kept its previous content");
            Files.delete(targets[k]);
            onFullDisk(good.length / 2, writers[k]);
            assertFalse(Files.exists(targets[k]), targets[k] + " not created");
            assertEquals(List.of(), listing(), "no temporary file left after " + targets[k]);
        }
    }
}
