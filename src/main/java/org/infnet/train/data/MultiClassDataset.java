package org.infnet.train.data;

import org.infnet.model.PriorSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.infnet.image.GrayImage;
import org.infnet.image.HuWindow;
import org.infnet.io.ImageFiles;

/**
 * A multi-class data set in the layout of COVID-SemiSeg's {@code MultiClassInfection-Train}:
 * <pre>
 * root/Imgs/NAME.{jpg,png,...}   CT slice (8-bit = windowed; 16/32-bit = HU, lung window)
 * root/GT/NAME.png               class index per pixel (palette or gray PNG): 0 background, 1 GGO, 2 consolidation
 * root/Prior/NAME.png            optional infection prior 0..255 (see {@link PriorSource#folder})
 * </pre>
 * Files are matched as {@link InfNetDataset} matches them (its consistency checks apply). GT values are the
 * stored indices, not the palette colours.
 */
public final class MultiClassDataset {

    private final InfNetDataset index;
    private final int classes;

    private MultiClassDataset(InfNetDataset index, int classes) {
        this.index = index;
        this.classes = classes;
    }

    /** Indexes {@code root}; labels must lie in {@code 0 .. classes-1}. */
    public static MultiClassDataset open(Path root, int classes) throws IOException {
        return new MultiClassDataset(InfNetDataset.open(root), classes);
    }

    /** Sample names in natural order. */
    public List<String> names() {
        return index.names();
    }

    /** This data set with its priors from {@code priors}, as a {@link TrainingSet}. */
    public TrainingSet<MultiClassSample> withPriors(PriorSource priors) {
        return new TrainingSet<>() {
            @Override
            public List<String> names() {
                return MultiClassDataset.this.names();
            }

            @Override
            public List<MultiClassSample> load(Collection<String> names) throws IOException {
                return MultiClassDataset.this.load(names, priors);
            }
        };
    }

    /** Loads the named samples at their native sizes with priors from {@code priors}. */
    public List<MultiClassSample> load(Collection<String> names, PriorSource priors) throws IOException {
        List<MultiClassSample> out = new ArrayList<>(names.size());
        for (String n : names) {
            InfNetDataset.Entry e = index.entry(n);
            GrayImage img = ImageFiles.read(e.image());
            float[] image01 = img.toUnit(HuWindow.LUNG);
            byte[] labels = readLabels(e.mask(), img.width(), img.height(), classes);
            out.add(new MultiClassSample(n, img.width(), img.height(), image01,
                    priors.prior(n, image01, img.width(), img.height()), labels));
        }
        return out;
    }

    /**
     * Reads a label image: the stored value of each pixel (a palette PNG's index) as a class.
     *
     * @throws IOException naming the file if its size is not {@code width x height} or a value is not an
     *     integer in {@code 0 .. classes-1}
     */
    public static byte[] readLabels(Path file, int width, int height, int classes) throws IOException {
        GrayImage g = ImageFiles.read(file);
        if (g.width() != width || g.height() != height || !g.is2D()) {
            throw new IOException(file + " is " + g.width() + "x" + g.height() + "x" + g.depth() + ", expected "
                    + width + "x" + height);
        }
        byte[] out = new byte[g.pixels().length];
        for (int i = 0; i < out.length; i++) {
            float v = g.pixels()[i];
            if (!(v >= 0 && v < classes) || v != Math.rint(v)) {
                throw new IOException(file + ": value " + v + " at pixel " + i + " is not a class index 0.."
                        + (classes - 1));
            }
            out[i] = (byte) v;
        }
        return out;
    }
}
