package org.infnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.io.FileSaver;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.infnet.train.data.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingJobTest {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int W = 40;
    private static final int H = 36;

    @TempDir
    Path dir;

    /** Writes slices {@code names} into an Inf-Net layout; the image's gray value identifies the slice. */
    private static Path dataset(Path root, List<String> names, int firstValue) throws IOException {
        Files.createDirectories(root.resolve("Imgs"));
        Files.createDirectories(root.resolve("GT"));
        int v = firstValue;
        for (String n : names) {
            ByteProcessor img = new ByteProcessor(W, H);
            img.setValue(v);
            img.fill();
            ByteProcessor gt = new ByteProcessor(W, H);
            gt.setValue(255);
            gt.setRoi(5, 5, 10, 8);
            gt.fill();
            gt.resetRoi();
            new FileSaver(new ImagePlus(n, img)).saveAsPng(root.resolve("Imgs").resolve(n + ".png").toString());
            new FileSaver(new ImagePlus(n, gt)).saveAsPng(root.resolve("GT").resolve(n + ".png").toString());
            v += 10;
        }
        return root;
    }

    private static TrainingJob<Sample> job(List<Path> roots, Path validationRoot, int count, int repeat, Path out) {
        TrainConfig cfg = TrainConfig.builder().epochs(1).batchSize(2).learningRate(1e-3f).decayEvery(0).decayRate(1f)
                .scales(1.0).trainSize(32).seed(1).checkpointMinutes(1e9).build();
        return TrainingJob.builder(InfNetObjective.network(TinyNets.TINY)).data(roots).validationRoot(validationRoot)
                .validationCount(count).firstRootRepeat(repeat).train(cfg).output(out).name("job-test").build();
    }

    private static List<String> names(List<Sample> samples) {
        List<String> n = new ArrayList<>();
        samples.forEach(s -> n.add(s.name()));
        return n;
    }

    /** The gray value (0-255) a slice was written with. */
    private static int value(Sample s) {
        return Math.round(s.image01()[s.image01().length / 2] * 255);
    }

    @Test
    void naturalOrderComparesEmbeddedNumbersNumerically() {
        List<String> n = new ArrayList<>(List.of("10", "2", "img12", "1", "img2", "img2b", "b", "a10", "a9", "0010x"));
        Collections.shuffle(n, new java.util.Random(3));
        n.sort(TrainingJob.naturalOrder());
        assertEquals(List.of("1", "2", "10", "0010x", "a9", "a10", "b", "img2", "img2b", "img12"), n);
        assertTrue(TrainingJob.naturalOrder().compare("99999999999999999999", "100000000000000000000") < 0,
                "numbers longer than a long");
    }

    @Test
    void holdsOutTheLastSlicesInNaturalOrderAndNeverTrainsOnThem() throws IOException {
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            all.add(Integer.toString(i));
        }
        Path doctor = dataset(dir.resolve("doctor"), all, 10);
        Path pseudo = dataset(dir.resolve("pseudo"), List.of("p1", "p2"), 200);
        List<String> messages = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onMessage(String message) {
                messages.add(message);
            }
        };
        TrainingJob.Data<Sample> d = job(List.of(doctor, pseudo), null, 3, 2, dir.resolve("out")).load(l);

        // natural order: 10, 11, 12 are the last three (lexicographically they would be 7, 8, 9)
        assertEquals(List.of("10", "11", "12"), names(d.validation()));
        for (Sample s : d.validation()) {
            assertEquals(W, s.width(), "validation slices keep their native size");
            assertEquals(H, s.height());
            assertEquals(10 * Integer.parseInt(s.name()), value(s), "slice " + s.name() + " has its own pixels");
        }
        List<String> expectedTrain = new ArrayList<>();
        for (int rep = 0; rep < 2; rep++) {
            for (int i = 1; i <= 9; i++) {
                expectedTrain.add(Integer.toString(i));
            }
        }
        expectedTrain.addAll(List.of("p1", "p2"));
        assertEquals(expectedTrain, names(d.training()), "doctor slices repeated twice, then the pseudo-labelled ones");

        Set<String> valNames = new HashSet<>(names(d.validation()));
        Set<Integer> valValues = new HashSet<>();
        d.validation().forEach(s -> valValues.add(value(s)));
        for (Sample s : d.training()) {
            assertEquals(32, s.width(), "training slices are resized to the training size");
            assertEquals(32, s.height());
            assertTrue(!valNames.contains(s.name()), s.name() + " is both a training and a validation slice");
            assertTrue(!valValues.contains(value(s)), s.name() + " has the pixels of a validation slice");
        }
        assertTrue(messages.stream().anyMatch(m -> m.contains("held out for validation: [10, 11, 12]")), messages.toString());
    }

    @Test
    void separateValidationRootHoldsNothingOut() throws IOException {
        Path train = dataset(dir.resolve("train"), List.of("1", "2", "3"), 10);
        Path val = dataset(dir.resolve("val"), List.of("v1", "v2"), 100);
        TrainingJob.Data<Sample> d = job(List.of(train), val, 2, 1, dir.resolve("out")).load(TrainingListener.NONE);
        assertEquals(List.of("1", "2", "3"), names(d.training()));
        assertEquals(List.of("v1", "v2"), names(d.validation()));
    }

    @Test
    void refusesToHoldOutEverySlice() throws IOException {
        Path train = dataset(dir.resolve("train"), List.of("1", "2", "3"), 10);
        IOException e = assertThrows(IOException.class,
                () -> job(List.of(train), null, 3, 1, dir.resolve("out")).load(TrainingListener.NONE));
        assertTrue(e.getMessage().contains("cannot hold out 3"), e.getMessage());
    }

    @Test
    void aValidationFractionRoundsToAtLeastOneAndLeavesAtLeastOneForTraining() throws IOException {
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            all.add(Integer.toString(i));
        }
        Path doctor = dataset(dir.resolve("frac"), all, 10);
        assertEquals(2, TrainingJob.heldOutCount(doctor, 0.2)); // 2.4 -> 2
        assertEquals(3, TrainingJob.heldOutCount(doctor, 0.25));
        assertEquals(1, TrainingJob.heldOutCount(doctor, 0.01));
        assertEquals(11, TrainingJob.heldOutCount(doctor, 0.99));
        assertThrows(IllegalArgumentException.class, () -> TrainingJob.heldOutCount(doctor, 1.0));
        assertThrows(IllegalArgumentException.class, () -> TrainingJob.heldOutCount(doctor, 0));
    }
}
