package org.infnet.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.infnet.image.GrayImage;
import org.infnet.image.HuWindow;
import org.infnet.io.ImageFiles;

/**
 * Index of one or more data set roots in the Inf-Net / COVID-SemiSeg layout:
 * <pre>
 * root/Imgs/NAME.{jpg,jpeg,png,tif,tiff}   gray (or RGB -> luminance) CT slice
 * root/GT/NAME.png                         infection mask, 0..255 (soft labels allowed)
 * root/Edge/NAME.png                       optional edge map, 0..255
 * </pre>
 * Files are matched by base name (case-sensitive, extension case-insensitive). Hidden files
 * (starting with '.') and files with other extensions are ignored.
 *
 * <p>Contract of {@link #open}: the returned index is consistent, i.e. every image has exactly
 * one GT and every GT an image; otherwise an {@link IOException} lists the offending names
 * (images without GT, GT without image, Edge without image, duplicated base names).
 * Entries are sorted by name within a root; roots keep the order given. Names must be unique
 * across roots. Listing reads no pixel data; {@link #load} does.
 */
public final class InfNetDataset implements TrainingSet<Sample> {

    /** Image extensions accepted in {@code Imgs/}. */
    public static final List<String> IMAGE_EXTENSIONS = ImageFiles.IMAGE_EXTENSIONS;

    /** Maximum number of names quoted in an error message. */
    private static final int MAX_LISTED = 20;

    /**
     * One sample's files.
     *
     * @param name  base name
     * @param image file in {@code Imgs/}
     * @param mask  file in {@code GT/}
     * @param edge  file in {@code Edge/}, or {@code null} if the edge is to be derived
     */
    public record Entry(String name, Path image, Path mask, Path edge) {

        /** Requires non-null name, image and mask. */
        public Entry {
            if (name == null || image == null || mask == null) {
                throw new IllegalArgumentException("Entry needs name, image and mask");
            }
        }

        /** True if an edge file exists for this entry. */
        public boolean hasEdgeFile() {
            return edge != null;
        }

        /**
         * Loads this sample at native size. Image: 8-bit/RGB files scaled by 1/255, 16/32-bit files
         * windowed with {@link HuWindow#LUNG}. Mask and edge: value/255 clamped to [0,1]. If there
         * is no edge file the edge is derived from the mask with {@link EdgeMaps#fromMask}.
         *
         * @throws IOException naming the file if a file cannot be read, is a stack, or sizes differ
         */
        public Sample load() throws IOException {
            GrayImage img = read2D(image);
            GrayImage gt = read2D(mask);
            requireSameSize(img, gt, mask);
            float[] mask01 = div255(gt.pixels());
            float[] edge01;
            if (edge != null) {
                GrayImage e = read2D(edge);
                requireSameSize(img, e, edge);
                edge01 = div255(e.pixels());
            } else {
                edge01 = EdgeMaps.fromMask(mask01, img.width(), img.height());
            }
            return new Sample(name, img.width(), img.height(), img.toUnit(HuWindow.LUNG), mask01, edge01);
        }

        private void requireSameSize(GrayImage img, GrayImage other, Path otherFile) throws IOException {
            if (img.width() != other.width() || img.height() != other.height()) {
                throw new IOException("Size mismatch for sample '" + name + "': " + image + " is "
                        + img.width() + "x" + img.height() + " but " + otherFile + " is "
                        + other.width() + "x" + other.height());
            }
        }
    }

    private final List<Entry> entries;
    private final Map<String, Entry> byName;

    private InfNetDataset(List<Entry> entries) throws IOException {
        Map<String, Entry> map = new LinkedHashMap<>();
        List<String> dup = new ArrayList<>();
        for (Entry e : entries) {
            Entry old = map.putIfAbsent(e.name(), e);
            if (old != null) {
                dup.add(e.name() + " (" + old.image() + " and " + e.image() + ")");
            }
        }
        if (!dup.isEmpty()) {
            throw new IOException("Duplicate sample names across data set roots: " + list(dup));
        }
        this.entries = List.copyOf(entries);
        this.byName = Collections.unmodifiableMap(map);
    }

    /** Indexes one root folder (see class description). */
    public static InfNetDataset open(Path root) throws IOException {
        return new InfNetDataset(scan(root));
    }

    /** Indexes several roots (e.g. Doctor-label and Pseudo-label) into one data set. */
    public static InfNetDataset open(List<Path> roots) throws IOException {
        List<Entry> all = new ArrayList<>();
        for (Path r : roots) {
            all.addAll(scan(r));
        }
        return new InfNetDataset(all);
    }

    /** Indexes all {@code roots} and loads every sample at native size, in index order. */
    public static List<Sample> loadAll(List<Path> roots) throws IOException {
        InfNetDataset ds = open(roots);
        return ds.load(ds.names());
    }

    /** All entries in index order (immutable). */
    public List<Entry> entries() {
        return entries;
    }

    /** All sample names in index order (immutable). */
    @Override
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Number of samples. */
    public int size() {
        return entries.size();
    }

    /** Entry for a name; {@link IllegalArgumentException} if unknown. */
    public Entry entry(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("No sample named '" + name + "'");
        }
        return e;
    }

    /** Loads one sample at native size (see {@link Entry#load()}). */
    public Sample load(String name) throws IOException {
        return entry(name).load();
    }

    /** Loads the named samples, in the given order. */
    @Override
    public List<Sample> load(Collection<String> names) throws IOException {
        List<Sample> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(load(n));
        }
        return out;
    }

    private static List<Entry> scan(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("Data set root " + root + " is not a folder");
        }
        Path imgDir = root.resolve("Imgs"), gtDir = root.resolve("GT"), edgeDir = root.resolve("Edge");
        if (!Files.isDirectory(imgDir) || !Files.isDirectory(gtDir)) {
            throw new IOException("Data set root " + root + " must contain folders Imgs/ and GT/"
                    + (Files.isDirectory(imgDir) ? "" : " (Imgs/ missing)")
                    + (Files.isDirectory(gtDir) ? "" : " (GT/ missing)"));
        }
        List<String> problems = new ArrayList<>();
        Map<String, Path> imgs = listByBase(imgDir, IMAGE_EXTENSIONS, problems);
        Map<String, Path> gts = listByBase(gtDir, List.of("png"), problems);
        Map<String, Path> edges = Files.isDirectory(edgeDir) ? listByBase(edgeDir, List.of("png"), problems) : Map.of();

        List<String> noGt = new ArrayList<>(), noImg = new ArrayList<>(), edgeOnly = new ArrayList<>();
        for (Map.Entry<String, Path> e : imgs.entrySet()) {
            if (!gts.containsKey(e.getKey())) {
                noGt.add(e.getValue().getFileName().toString());
            }
        }
        for (Map.Entry<String, Path> e : gts.entrySet()) {
            if (!imgs.containsKey(e.getKey())) {
                noImg.add(e.getValue().getFileName().toString());
            }
        }
        for (Map.Entry<String, Path> e : edges.entrySet()) {
            if (!imgs.containsKey(e.getKey())) {
                edgeOnly.add(e.getValue().getFileName().toString());
            }
        }
        if (!noGt.isEmpty()) {
            problems.add(noGt.size() + " image(s) in " + imgDir + " without a GT/*.png: " + list(noGt));
        }
        if (!noImg.isEmpty()) {
            problems.add(noImg.size() + " GT file(s) in " + gtDir + " without a matching image: " + list(noImg));
        }
        if (!edgeOnly.isEmpty()) {
            problems.add(edgeOnly.size() + " edge file(s) in " + edgeDir + " without a matching image: " + list(edgeOnly));
        }
        if (!problems.isEmpty()) {
            throw new IOException("Inconsistent data set " + root + ": " + String.join("; ", problems));
        }
        List<Entry> out = new ArrayList<>(imgs.size());
        for (Map.Entry<String, Path> e : imgs.entrySet()) {
            out.add(new Entry(e.getKey(), e.getValue(), gts.get(e.getKey()), edges.get(e.getKey())));
        }
        return out;
    }

    /** Files of a folder with accepted extensions, keyed by base name (natural order of names). */
    private static Map<String, Path> listByBase(Path dir, List<String> exts, List<String> problems) throws IOException {
        Map<String, Path> map = new TreeMap<>(InfNetDataset::compareNames);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String fn = p.getFileName().toString();
                int dot = fn.lastIndexOf('.');
                if (fn.startsWith(".") || dot <= 0 || !Files.isRegularFile(p)) {
                    continue;
                }
                String ext = fn.substring(dot + 1).toLowerCase(Locale.ROOT);
                if (!exts.contains(ext)) {
                    continue;
                }
                String base = fn.substring(0, dot);
                Path old = map.putIfAbsent(base, p);
                if (old != null) {
                    problems.add("base name '" + base + "' appears twice in " + dir + " (" + old.getFileName() + ", " + fn + ")");
                }
            }
        }
        return map;
    }

    /** Orders names with numeric runs compared by value ("2" before "10"), then lexicographically. */
    public static int compareNames(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i), cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i, sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", ""), nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    private static float[] div255(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            float x = v[i] / 255f;
            out[i] = Float.isNaN(x) ? 0f : x < 0 ? 0f : x > 1 ? 1f : x;
        }
        return out;
    }

    private static GrayImage read2D(Path p) throws IOException {
        GrayImage g = ImageFiles.read(p);
        if (!g.is2D()) {
            throw new IOException("Expected a 2D image but " + p + " has " + g.depth() + " slices");
        }
        return g;
    }

    private static String list(List<String> names) {
        if (names.size() <= MAX_LISTED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, MAX_LISTED)) + ", ... (" + (names.size() - MAX_LISTED) + " more)";
    }
}
