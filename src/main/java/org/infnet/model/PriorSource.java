package org.infnet.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infnet.image.GrayImage;
import org.infnet.io.ImageFiles;

/**
 * Where the infection prior of a multi-class sample comes from: an infection model run on the slice (see
 * {@link org.infnet.infer.InfectionPrior}), or a folder of prior images such as the {@code Prior/} folder
 * shipped with {@code MultiClassInfection-Train}.
 */
@FunctionalInterface
public interface PriorSource {

    /**
     * The prior of one slice, in [0,1], at the slice's size.
     *
     * @param name the sample's base name
     * @param image01 the slice in [0,1], {@code width * height} values
     */
    float[] prior(String name, float[] image01, int width, int height) throws IOException;

    /**
     * Priors read from {@code folder/NAME.png} (value / 255, clamped to [0,1]). The shipped {@code Prior/}
     * folder of COVID-SemiSeg's {@code MultiClassInfection-Train} holds 0/255 masks that equal the doctors'
     * infection labels pixel for pixel, i.e. a perfect prior that no infection model delivers at inference.
     */
    static PriorSource folder(Path folder) {
        return (name, image01, width, height) -> {
            Path f = folder.resolve(name + ".png");
            if (!Files.isRegularFile(f)) {
                throw new IOException("no prior " + f + " for sample '" + name + "'");
            }
            GrayImage g = ImageFiles.read(f);
            if (g.width() != width || g.height() != height || !g.is2D()) {
                throw new IOException(f + " is " + g.width() + "x" + g.height() + "x" + g.depth() + ", slice '" + name
                        + "' is " + width + "x" + height);
            }
            float[] out = new float[g.pixels().length];
            for (int i = 0; i < out.length; i++) {
                float v = g.pixels()[i] / 255f;
                out[i] = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
            }
            return out;
        };
    }
}
