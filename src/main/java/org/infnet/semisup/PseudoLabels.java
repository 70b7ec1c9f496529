package org.infnet.semisup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.infnet.infer.SlicePrediction;
import org.infnet.infer.SlicePredictor;
import org.infnet.infer.UnitSlice;
import org.infnet.io.AtomicFiles;
import org.infnet.image.GrayImage;
import org.infnet.image.HuWindow;
import org.infnet.io.ImageFiles;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.train.data.EdgeMaps;
import org.infnet.train.data.InfNetDataset;

/**
 * Soft pseudo labels in the Inf-Net layout, as Semi-Inf-Net makes them: the label of a slice is the
 * model's {@code sigmoid(S_2)} at the slice's own size, min-max normalised per slice ({@code (p - min) /
 * (max - min + 1e-8)}) and kept soft as 0..255; its edge label is the edge map ({@link EdgeMaps}) of the
 * label thresholded at 128 ({@code value > 128}, OpenCV's binary threshold).
 *
 * <p>Written files, for an unlabelled slice {@code NAME.ext}: {@code OUT/Imgs/NAME.ext} (a byte copy of
 * the slice), {@code OUT/GT/NAME.png} and {@code OUT/Edge/NAME.png} (8-bit gray PNG), each atomically, so
 * {@code OUT} is a training root for {@link InfNetDataset}.
 */
public final class PseudoLabels {

    private PseudoLabels() {}

    /**
     * The slices of an unlabelled folder by base name, in natural name order: the images in {@code
     * folder/Imgs} if that exists, else in {@code folder} (extensions of {@link InfNetDataset#IMAGE_EXTENSIONS};
     * hidden files ignored).
     *
     * @throws IOException if the folder cannot be listed, holds no image, or holds a base name twice
     */
    public static Map<String, Path> listImages(Path folder) throws IOException {
        Path dir = Files.isDirectory(folder.resolve("Imgs")) ? folder.resolve("Imgs") : folder;
        if (!Files.isDirectory(dir)) {
            throw new IOException("unlabelled folder " + folder + " is not a folder");
        }
        Map<String, Path> out = new TreeMap<>(InfNetDataset::compareNames);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String fn = p.getFileName().toString();
                int dot = fn.lastIndexOf('.');
                if (fn.startsWith(".") || dot <= 0 || !Files.isRegularFile(p)
                        || !InfNetDataset.IMAGE_EXTENSIONS.contains(fn.substring(dot + 1).toLowerCase(Locale.ROOT))) {
                    continue;
                }
                Path old = out.putIfAbsent(fn.substring(0, dot), p);
                if (old != null) {
                    throw new IOException("base name '" + fn.substring(0, dot) + "' appears twice in " + dir + " ("
                            + old.getFileName() + ", " + fn + ")");
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no images (" + InfNetDataset.IMAGE_EXTENSIONS + ") in " + dir);
        }
        return out;
    }

    /** The soft label of a probability map: min-max normalised, {@code round(v * 255)}. */
    public static byte[] soft255(float[] probability) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : probability) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        byte[] out = new byte[probability.length];
        double range = max - min + 1e-8;
        for (int i = 0; i < out.length; i++) {
            double v = (probability[i] - min) / range;
            out[i] = (byte) Math.round(Math.max(0, Math.min(1, v)) * 255);
        }
        return out;
    }

    /** The edge label of a soft label: {@link EdgeMaps#fromMask255} of {@code label > 128}. */
    public static byte[] edge255(byte[] label, int width, int height) {
        float[] binary = new float[label.length];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (label[i] & 0xff) > 128 ? 1f : 0f;
        }
        return EdgeMaps.fromMask255(binary, width, height);
    }

    /**
     * Predicts the named slices with {@code model}, {@code batch} at a time, and writes their pseudo labels
     * under {@code out} (see the class description). Never writes over an input.
     *
     * @param images all unlabelled slices by name (from {@link #listImages})
     * @throws IOException naming the file that cannot be read or written
     */
    public static void write(NetworkModel<InfNet> model, List<String> names, Map<String, Path> images, Path out, int batch)
            throws IOException {
        SlicePredictor predictor = new SlicePredictor(model);
        for (String sub : new String[] {"Imgs", "GT", "Edge"}) {
            Files.createDirectories(out.resolve(sub));
        }
        for (int i = 0; i < names.size(); i += batch) {
            List<String> chunk = names.subList(i, Math.min(names.size(), i + batch));
            List<UnitSlice> in = new ArrayList<>();
            for (String n : chunk) {
                GrayImage g = ImageFiles.read(images.get(n));
                if (!g.is2D()) {
                    throw new IOException(images.get(n) + " is a stack of " + g.depth() + " slices, not a slice");
                }
                in.add(new UnitSlice(g.toUnit(HuWindow.LUNG), g.width(), g.height()));
            }
            List<SlicePrediction> pred = predictor.predict(in);
            for (int k = 0; k < chunk.size(); k++) {
                String n = chunk.get(k);
                Path src = images.get(n);
                SlicePrediction p = pred.get(k);
                byte[] gt = soft255(p.probability());
                Path img = out.resolve("Imgs").resolve(src.getFileName().toString());
                if (!(Files.exists(img) && Files.isSameFile(src, img))) {
                    AtomicFiles.write(img, o -> {
                        try (InputStream s = Files.newInputStream(src)) {
                            s.transferTo(o);
                        }
                    });
                }
                ImageFiles.writePng8(out.resolve("GT").resolve(n + ".png"), gt, p.width(), p.height(), src);
                ImageFiles.writePng8(out.resolve("Edge").resolve(n + ".png"), edge255(gt, p.width(), p.height()),
                        p.width(), p.height(), src);
            }
        }
    }
}
