package org.infnet.semisup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.infnet.image.GrayImage;
import org.infnet.io.ImageFiles;
import org.infnet.train.data.InfNetDataset;
import org.infnet.train.SingleThreaded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SingleThreaded.class)
class PseudoLabelJobTest {

    @TempDir
    Path dir;


    private static Set<String> names(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<String> reversed(List<String> l) {
        List<String> r = new ArrayList<>(l);
        java.util.Collections.reverse(r);
        return r;
    }

    @Test
    void groupsAreASeededPartitionOfTheUnlabelledSet() {
        List<String> names = IntStream.range(0, 11).mapToObj(i -> "s" + i).toList();
        List<String> a = PseudoLabelJob.shuffled(names, 7);
        assertEquals(a, PseudoLabelJob.shuffled(reversed(names), 7), "order depends on the seed, not the listing");
        assertNotEquals(a, PseudoLabelJob.shuffled(names, 8));
        assertNotEquals(names, a);
        List<List<String>> g = PseudoLabelJob.groups(a, 3);
        assertEquals(List.of(3, 3, 3, 2), g.stream().map(List::size).toList());
        List<String> joined = g.stream().flatMap(List::stream).toList();
        assertEquals(a, joined, "groups are consecutive chunks of the order");
        assertEquals(new HashSet<>(names), new HashSet<>(joined));
        assertEquals(11, new HashSet<>(joined).size(), "no slice in two groups");
        assertEquals(4, Fixtures.config(3, 1, 0).rounds(11));
        assertEquals(2, Fixtures.config(3, 1, 2).rounds(11));
    }

    @Test
    void softLabelsAreMinMaxNormalisedAndEdgesComeFromTheThresholdAbove128() {
        // (p - 0.2) / 0.8: 0, 0.5, 1, 0.25 -> 0, 128 (127.5 rounds up), 255, 64
        assertArrayEquals(new byte[] {0, (byte) 128, (byte) 255, 64},
                PseudoLabels.soft255(new float[] {0.2f, 0.6f, 1.0f, 0.4f}));
        // 3x3 label whose only value above 128 is the centre: the centre and its 4-neighbours are edges;
        // 128 itself (top-left) is background
        byte[] label = {(byte) 128, 0, 0, 0, (byte) 129, 0, 0, 0, 0};
        byte[] e = PseudoLabels.edge255(label, 3, 3);
        assertArrayEquals(new byte[] {0, -1, 0, -1, -1, -1, 0, -1, 0}, e);
    }

    @Test
    void eachRoundAddsOneGroupAndWritesSoftLabelsInTheInfNetLayout() throws IOException {
        Fixtures.Inputs in = Fixtures.inputs(dir, 3);
        Path out = dir.resolve("out");
        List<Integer> pools = new ArrayList<>();
        List<Integer> filesAtRound = new ArrayList<>();
        PseudoLabelJob job = in.job(out, Fixtures.config(2, 1, 0));
        PseudoLabelJob.Result r = job.run(new PseudoLabelListener() {
            @Override
            public void onRound(RoundLog log) {
                pools.add(log.poolSize());
                try {
                    filesAtRound.add(names(out.resolve("GT")).size());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        assertEquals(List.of(2, 3), pools);
        assertEquals(List.of(2, 3), filesAtRound, "the pool on disk grows by K per round");
        assertEquals(2, r.roundsDone());
        assertEquals(2, r.roundsPlanned());
        assertFalse(r.cancelled());
        assertEquals(out.resolve("semisup/round-0002/last"), r.model());
        assertTrue(Files.isRegularFile(r.model().resolve("model.json")));
        Set<String> expected = IntStream.range(0, 3).mapToObj(i -> "u" + i + ".png").collect(Collectors.toSet());
        assertEquals(expected, names(out.resolve("Imgs")));
        assertEquals(expected, names(out.resolve("GT")));
        assertEquals(expected, names(out.resolve("Edge")));
        for (String n : expected) {
            GrayImage gt = ImageFiles.read(out.resolve("GT").resolve(n));
            GrayImage edge = ImageFiles.read(out.resolve("Edge").resolve(n));
            assertEquals(8, gt.bitDepth());
            assertEquals(Fixtures.UW, gt.width(), n);
            assertEquals(Fixtures.UH, gt.height(), n);
            float min = 255;
            float max = 0;
            Set<Float> soft = new HashSet<>();
            for (float v : gt.pixels()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                soft.add(v);
            }
            assertEquals(0, min, n + ": min-max normalised");
            assertEquals(255, max, n + ": min-max normalised");
            assertTrue(soft.size() > 2, n + ": labels are soft, not binary");
            for (float v : edge.pixels()) {
                assertTrue(v == 0 || v == 255, n + ": edge values are 0/255");
            }
            assertArrayEquals(Files.readAllBytes(in.unlabelled().resolve("Imgs").resolve(n)),
                    Files.readAllBytes(out.resolve("Imgs").resolve(n)), "image copied byte for byte");
        }
        assertEquals(3, InfNetDataset.open(out).size(), "the output is a training root");
        assertEquals(Set.of("init", "round-0002", "rounds.csv", "state.json"), names(out.resolve("semisup")),
                "older rounds are deleted");
        assertEquals(Set.of("last", "history.csv"), names(out.resolve("semisup/round-0002")),
                "the finished round's checkpoint is deleted");
        assertEquals(3, Files.readAllLines(out.resolve("semisup/rounds.csv")).size());
    }

    @Test
    void aKilledRunResumesAtTheNextRoundAndEndsWithTheSameLabels() throws IOException {
        Fixtures.Inputs in = Fixtures.inputs(dir, 4);
        PseudoLabelConfig cfg = Fixtures.config(2, 1, 0);
        Path a = dir.resolve("a");
        in.job(a, cfg).run(PseudoLabelListener.NONE);

        Path b = dir.resolve("b");
        PseudoLabelJob jb = in.job(b, cfg);
        // kill 1: right after round 1 is on disk
        assertThrows(IllegalStateException.class, () -> jb.run(new PseudoLabelListener() {
            @Override
            public void onRound(RoundLog log) {
                throw new IllegalStateException("killed");
            }
        }));
        assertEquals(Set.of("init", "round-0001", "rounds.csv", "state.json"), names(b.resolve("semisup")));
        // kill 2: in the middle of round 2's training (after its labels were written)
        List<String> messages = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> jb.run(new PseudoLabelListener() {
            @Override
            public void onMessage(String m) {
                messages.add(m);
            }

            @Override
            public void onStep(int epoch, int step, int steps, double loss) {
                throw new IllegalStateException("killed");
            }
        }));
        assertTrue(messages.get(0).startsWith("resuming after round 1"), messages.toString());
        List<Integer> rounds = new ArrayList<>();
        PseudoLabelJob.Result r = jb.run(new PseudoLabelListener() {
            @Override
            public void onRound(RoundLog log) {
                rounds.add(log.round());
            }
        });
        assertEquals(List.of(2), rounds, "continues with the round after the last finished one");
        assertEquals(2, r.roundsDone());
        assertEquals(4, names(b.resolve("GT")).size());
        assertEquals(names(a.resolve("GT")), names(b.resolve("GT")));
        for (String n : names(a.resolve("GT"))) {
            assertArrayEquals(ImageFiles.read(a.resolve("GT").resolve(n)).pixels(),
                    ImageFiles.read(b.resolve("GT").resolve(n)).pixels(), n);
            assertArrayEquals(ImageFiles.read(a.resolve("Edge").resolve(n)).pixels(),
                    ImageFiles.read(b.resolve("Edge").resolve(n)).pixels(), n);
        }
        // a finished run started again does nothing more
        List<Integer> none = new ArrayList<>();
        jb.run(new PseudoLabelListener() {
            @Override
            public void onRound(RoundLog log) {
                none.add(log.round());
            }
        });
        assertEquals(List.of(), none);
        // another K in the same folder is refused
        IOException e = assertThrows(IOException.class, () -> in.job(b, Fixtures.config(3, 1, 0))
                .run(PseudoLabelListener.NONE));
        assertTrue(e.getMessage().contains("K=2"), e.getMessage());
    }

    @Test
    void cancellingStopsBeforeTheNextRoundAndARoundCapLeavesTheRestForLater() throws IOException {
        Fixtures.Inputs in = Fixtures.inputs(dir, 5);
        Path out = dir.resolve("out");
        boolean[] cancel = {false};
        PseudoLabelJob.Result r = in.job(out, Fixtures.config(2, 1, 0)).run(new PseudoLabelListener() {
                    @Override
                    public void onRound(RoundLog log) {
                        cancel[0] = true;
                    }

                    @Override
                    public boolean cancelled() {
                        return cancel[0];
                    }
                });
        assertTrue(r.cancelled());
        assertEquals(1, r.roundsDone());
        assertEquals(2, names(out.resolve("GT")).size());
        r = in.job(out, Fixtures.config(2, 1, 2)).run(PseudoLabelListener.NONE);
        assertFalse(r.cancelled());
        assertEquals(2, r.roundsDone());
        assertEquals(2, r.roundsPlanned());
        assertEquals(4, r.poolSize());
        assertEquals(4, names(out.resolve("GT")).size());
    }

    @Test
    void theFinalStageTrainsOnThePseudoLabelsThenOnTheDoctorLabels() throws IOException {
        Fixtures.Inputs in = Fixtures.inputs(dir, 2);
        Path out = dir.resolve("out");
        PseudoLabelConfig c = Fixtures.config(2, 1, 0);
        List<String> messages = new ArrayList<>();
        PseudoLabelJob.Result r = in.job(out, c.withFinalStage(true, c.backbone(), c.pseudoTraining(),
                c.doctorFineTune())).run(new PseudoLabelListener() {
                    @Override
                    public void onMessage(String m) {
                        messages.add(m);
                    }
                });
        assertFalse(r.cancelled());
        assertEquals(out.resolve("semisup/final/last"), r.semiInfNet());
        assertTrue(Files.isRegularFile(r.semiInfNet().resolve("model.json")));
        assertEquals(2, Files.readAllLines(out.resolve("semisup/final-pseudo/history.csv")).size());
        assertEquals(2, Files.readAllLines(out.resolve("semisup/final/history.csv")).size());
        int a = messages.indexOf("final stage: training infnet-tiny on the pseudo labels");
        int b = messages.indexOf("final stage: fine-tuning on the doctor labels");
        assertTrue(a > 0 && b > a, messages.toString());
        assertEquals(List.of(out + ": 2 training slices"), messages.subList(a + 1, b).stream()
                .filter(m -> m.endsWith("training slices")).toList(), "first on the pseudo labels alone");
        assertEquals(in.labelled() + ": 2 training slices", messages.get(b + 1), "then on the doctor labels");
    }
}
