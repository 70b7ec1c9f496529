package org.infnet.bench;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infnet.cli.Args;
import org.infnet.image.GrayImage;
import org.infnet.io.ImageFiles;

/**
 * Draws the README's picture: one CT slice, the slice with the predicted infection (red fill) and the ground
 * truth (green outline) overlaid, and the predicted mask, side by side with captions.
 *
 * <p>Usage: {@code readme-picture SLICE.png MASK.png GT.png OUT.png} ({@link BenchMain}), where {@code MASK.png} is
 * the {@code _mask.png} that {@code segment} wrote for {@code SLICE.png} (0/255) and {@code GT.png} the slice's ground
 * truth (0/255);
 * {@code doc/readme-picture.sh} runs the whole chain on a test image. All three inputs must have one size.
 */
public final class ReadmePicture {

    private static final int CAPTION = 22;
    private static final int GAP = 6;

    private ReadmePicture() {
    }

    /** {@code readme-picture SLICE.png MASK.png GT.png OUT.png}, see the class comment. */
    static int run(String[] args, PrintStream out) throws IOException {
        if (args.length != 4) {
            throw new Args.UsageException("usage: readme-picture SLICE.png MASK.png GT.png OUT.png");
        }
        ColorProcessor cp = compose(ImageFiles.read(Path.of(args[0])), ImageFiles.read(Path.of(args[1])),
                ImageFiles.read(Path.of(args[2])), Path.of(args[0]).getFileName().toString());
        Path file = Path.of(args[3]);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        if (!new FileSaver(new ImagePlus("readme", cp)).saveAsPng(file.toString())) {
            throw new IOException("could not write " + file);
        }
        out.println("wrote " + file + " (" + cp.getWidth() + "x" + cp.getHeight() + ")");
        return 0;
    }

    /** The three panels with captions; {@code mask} and {@code gt} are taken as set where {@code > 128}. */
    static ColorProcessor compose(GrayImage slice, GrayImage mask, GrayImage gt, String name) {
        int w = slice.width(), h = slice.height();
        if (mask.width() != w || mask.height() != h || gt.width() != w || gt.height() != h) {
            throw new IllegalArgumentException("slice, mask and ground truth differ in size");
        }
        ColorProcessor cp = new ColorProcessor(3 * w + 2 * GAP, h + CAPTION);
        cp.setColor(Color.WHITE);
        cp.fill();
        float[] g = slice.pixels(), m = mask.pixels(), t = gt.pixels();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int v = Math.max(0, Math.min(255, Math.round(g[i])));
                boolean pred = m[i] > 128, truth = t[i] > 128;
                boolean edge = truth && (x == 0 || y == 0 || x == w - 1 || y == h - 1 || t[i - 1] <= 128
                        || t[i + 1] <= 128 || t[i - w] <= 128 || t[i + w] <= 128);
                int r = v, gr = v, b = v;
                if (pred) { // red, 45 % opaque
                    r = Math.round(0.55f * v + 0.45f * 255);
                    gr = Math.round(0.55f * v);
                    b = Math.round(0.55f * v);
                }
                if (edge) {
                    r = 40;
                    gr = 230;
                    b = 40;
                }
                cp.set(x, y + CAPTION, rgb(v, v, v));
                cp.set(w + GAP + x, y + CAPTION, rgb(r, gr, b));
                int mv = pred ? 255 : 0;
                cp.set(2 * (w + GAP) + x, y + CAPTION, rgb(mv, mv, mv));
            }
        }
        cp.setAntialiasedText(true);
        cp.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        cp.setColor(Color.BLACK);
        cp.drawString("CT slice " + name, 4, CAPTION - 4);
        cp.drawString("infection (red), truth (green)", w + GAP + 4, CAPTION - 4);
        cp.drawString("infection mask", 2 * (w + GAP) + 4, CAPTION - 4);
        return cp;
    }

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }
}
