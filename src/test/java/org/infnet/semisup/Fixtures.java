package org.infnet.semisup;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.infnet.io.ImageFiles;
import org.infnet.image.Resampling;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.train.TinyNets;
import org.infnet.train.data.Sample;

/** Small folders for pseudo-labelling tests: tiny model, labelled and unlabelled disc slices. */
final class Fixtures {

    private Fixtures() {}

    /** Width and height of the unlabelled slices (not the network's side, to test resizing back). */
    static final int UW = 80;
    static final int UH = 72;

    /** A seeded tiny Inf-Net model folder at input side {@link TinyNets#SIDE}. */
    static Path tinyModel(Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(5);
        ModelDescriptor d = TinyNets.descriptor(TinyNets.TINY);
        try (NetworkModel<InfNet> m = ModelKind.INFNET.create(d, Device.cpu())) {
            m.save(dir, d);
        }
        return dir;
    }

    /** {@code n} labelled 64x64 disc slices in the Inf-Net layout (Imgs/dN.png, GT/dN.png; edges derived). */
    static Path labelled(Path root, int n) throws IOException {
        List<Sample> s = TinyNets.discs(n, 11);
        java.nio.file.Files.createDirectories(root.resolve("Imgs"));
        java.nio.file.Files.createDirectories(root.resolve("GT"));
        for (Sample x : s) {
            ImageFiles.writePng8Unit(root.resolve("Imgs").resolve("d" + x.name().substring(4) + ".png"), x.image01(),
                    x.width(), x.height());
            ImageFiles.writePng8Unit(root.resolve("GT").resolve("d" + x.name().substring(4) + ".png"), x.mask01(),
                    x.width(), x.height());
        }
        return root;
    }

    /** {@code n} unlabelled {@link #UW}x{@link #UH} disc slices {@code u0.png ...} in {@code dir/Imgs}. */
    static Path unlabelled(Path dir, int n) throws IOException {
        List<Sample> s = TinyNets.discs(n, 12);
        java.nio.file.Files.createDirectories(dir.resolve("Imgs"));
        for (int i = 0; i < n; i++) {
            Sample x = s.get(i);
            ImageFiles.writePng8Unit(dir.resolve("Imgs").resolve("u" + i + ".png"),
                    Resampling.bilinear(x.image01(), x.width(), x.height(), UW, UH), UW, UH);
        }
        return dir;
    }

    /**
     * The inputs of a test run: 2 labelled slices, {@code n} unlabelled ones, a tiny model.
     *
     * @param labelled labelled root
     * @param unlabelled unlabelled folder (with {@code Imgs/})
     * @param model model folder
     */
    record Inputs(Path labelled, Path unlabelled, Path model) {
        /** A job on these inputs writing to {@code out}. */
        PseudoLabelJob job(Path out, PseudoLabelConfig cfg) {
            return new PseudoLabelJob(labelled, unlabelled, model.toString(), out, null, cfg, "cpu");
        }
    }

    /** Writes {@link Inputs} with {@code n} unlabelled slices under {@code dir}. */
    static Inputs inputs(Path dir, int n) throws IOException {
        return new Inputs(labelled(dir.resolve("lab"), 2), unlabelled(dir.resolve("unl"), n), tinyModel(dir.resolve("model")));
    }

    /** A config on the tiny network: K, E epochs per round, batch 4, lr 2e-3, one scale at side 64, seed 3. */
    static PseudoLabelConfig config(int k, int epochs, int maxRounds) {
        return new PseudoLabelConfig(k, maxRounds, 3, TinyNets.config(epochs, 4, 2e-3f, 3), TinyNets.TINY, false,
                TinyNets.config(1, 4, 2e-3f, 3), TinyNets.config(1, 4, 2e-3f, 3));
    }
}
