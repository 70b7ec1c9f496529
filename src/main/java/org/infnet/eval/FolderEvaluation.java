package org.infnet.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.infnet.image.GrayImage;
import org.infnet.io.ImageFiles;

/**
 * Evaluates a folder of predictions against a folder of GT masks, as the toolbox's {@code main.m}.
 *
 * <p>Files are matched by base name (file name without extension; extensions may differ); a
 * prediction may carry a {@value #PROB_SUFFIX} suffix ({@code case7_prob.tif} matches
 * {@code case7.png}). Predictions are resized to the GT size (bilinear, align_corners=False), then
 * evaluated with {@link Evaluator}. Anything that prevents an image from being evaluated, or that
 * looks wrong, is reported in {@link Result#problems()}; in strict mode any problem throws
 * {@link EvaluationException} (after everything was examined, so the message lists them all).
 * Files whose extension is not an image extension, and hidden files, are listed in
 * {@link Result#ignored()}.
 */
public final class FolderEvaluation {

    /** Optional suffix of prediction base names. */
    public static final String PROB_SUFFIX = "_prob";

    /** Extensions (lower case) considered images. */
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of("png", "tif", "tiff", "jpg", "jpeg", "bmp", "gif", "pgm");

    /** Kinds of problems. */
    public enum ProblemKind {
        /** A prediction without a GT of the same base name. */
        UNMATCHED_PREDICTION,
        /** A GT without a prediction. */
        UNMATCHED_GT,
        /** Two files of one folder map to the same base name; the first in name order is used. */
        DUPLICATE,
        /** A file that could not be read. */
        UNREADABLE,
        /** A pair that could be read but not evaluated (e.g. NaN in the prediction). */
        INVALID,
        /** The image was evaluated, but something looks wrong (e.g. a 0/1 GT mask, a stack). */
        WARNING
    }

    /** One reported problem. {@code name} is the base name, {@code path} the offending file. */
    public record Problem(ProblemKind kind, String name, Path path, String message) {
        @Override
        public String toString() {
            return kind + " " + name + " (" + path + "): " + message;
        }
    }

    /** Scores of one evaluated pair; {@code width x height} is the GT size. */
    public record ImageResult(String name, Path prediction, Path groundTruth, int width, int height,
            boolean resized, ImageScores scores) {
    }

    /** Everything a folder evaluation produced. */
    public record Result(List<ImageResult> images, Summary summary, MeanCurves curves,
            List<Problem> problems, List<Path> ignored) {

        public boolean hasProblems() {
            return !problems.isEmpty();
        }

        /**
         * This result if at least one image was evaluated; otherwise an IOException whose one-line message
         * says why nothing was (empty folders, no names in common, or every pair unreadable or invalid).
         */
        public Result requireImages(Path predictionDir, Path gtDir) throws IOException {
            if (!images.isEmpty()) {
                return this;
            }
            long unmatched = problems.stream().filter(p -> p.kind() == ProblemKind.UNMATCHED_PREDICTION).count();
            long gts = problems.stream().filter(p -> p.kind() == ProblemKind.UNMATCHED_GT).count();
            List<Problem> failed = problems.stream()
                    .filter(p -> p.kind() == ProblemKind.UNREADABLE || p.kind() == ProblemKind.INVALID).toList();
            String why;
            if (!failed.isEmpty()) {
                Problem f = failed.get(0);
                why = failed.size() + " matched pair(s) could not be evaluated; first: " + f.path() + ": " + f.message();
            } else if (unmatched > 0 && gts > 0) {
                why = "no prediction in " + predictionDir + " has the name of a GT mask in " + gtDir + " ("
                        + unmatched + " prediction(s), " + gts + " GT mask(s); names must match, e.g. case1_prob.tif"
                        + " and case1.png)";
            } else if (unmatched > 0) {
                why = "no GT masks in " + gtDir;
            } else if (gts > 0 && problems.stream().noneMatch(p -> p.name().isEmpty())) {
                why = "no predictions in " + predictionDir;
            } else {
                why = "no images in " + predictionDir + " nor in " + gtDir;
            }
            throw new IOException("nothing to evaluate: " + why);
        }
    }

    /** Thrown in strict mode when any problem was found. */
    public static final class EvaluationException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<Problem> problems;

        public EvaluationException(List<Problem> problems) {
            super(message(problems));
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }

        private static String message(List<Problem> problems) {
            StringBuilder sb = new StringBuilder(problems.size() + " evaluation problem(s):");
            for (Problem p : problems) {
                sb.append("\n  ").append(p);
            }
            return sb.toString();
        }
    }

    /** Reads one image file. */
    @FunctionalInterface
    public interface ImageReader {
        GrayImage read(Path file) throws IOException;
    }

    private FolderEvaluation() {
    }

    /** Lenient evaluation with the ImageJ reader: problems are reported, never thrown. */
    public static Result evaluate(Path predictionDir, Path gtDir) throws IOException {
        return evaluate(predictionDir, gtDir, false);
    }

    /** Evaluation with the ImageJ reader; {@code strict} throws on any problem. */
    public static Result evaluate(Path predictionDir, Path gtDir, boolean strict) throws IOException {
        return evaluate(predictionDir, gtDir, strict, ImageFiles::readAsDisplayed);
    }

    /**
     * Evaluation with a given reader.
     *
     * @throws IOException          if a folder cannot be listed
     * @throws EvaluationException  in strict mode, if any problem was found
     */
    public static Result evaluate(Path predictionDir, Path gtDir, boolean strict, ImageReader reader)
            throws IOException {
        return evaluate(predictionDir, gtDir, strict, reader, org.infnet.infer.Progress.NONE);
    }

    /**
     * Evaluation with a given reader, reporting one step per matched image to {@code progress}, which can
     * cancel between images ({@link java.util.concurrent.CancellationException}).
     */
    public static Result evaluate(Path predictionDir, Path gtDir, boolean strict, ImageReader reader,
            org.infnet.infer.Progress progress) throws IOException {
        return evaluate(predictionDir, gtDir, strict, reader, progress, -1);
    }

    /**
     * Scores one class of a multi-class segmentation ({@code evaluate --class}): the ground truth of an image
     * is {@code GT == gtClass}, the stored value of each GT pixel (a palette PNG's index, not its colour), and
     * the predictions are the class's probability maps {@code NAME_CLASS_prob.*} (or {@code NAME_CLASS.*}),
     * CLASS being {@link org.infnet.infer.LesionClasses#name} ({@code ggo}, {@code consolidation}); other
     * files in the prediction folder are ignored. Otherwise the protocol is {@link #evaluate(Path, Path)}'s.
     */
    public static Result evaluateClass(Path predictionDir, Path gtDir, int gtClass, boolean strict,
            org.infnet.infer.Progress progress) throws IOException {
        if (gtClass < 0 || gtClass >= org.infnet.infer.LesionClasses.COUNT) {
            throw new IllegalArgumentException("class must be 0.." + (org.infnet.infer.LesionClasses.COUNT - 1));
        }
        return evaluate(predictionDir, gtDir, strict, ImageFiles::readAsDisplayed, progress, gtClass);
    }

    private static Result evaluate(Path predictionDir, Path gtDir, boolean strict, ImageReader reader,
            org.infnet.infer.Progress progress, int gtClass) throws IOException {
        List<Problem> problems = new ArrayList<>();
        List<Path> ignored = new ArrayList<>();
        if (Files.isDirectory(predictionDir) && Files.isDirectory(gtDir) && Files.isSameFile(predictionDir, gtDir)) {
            problems.add(new Problem(ProblemKind.WARNING, "*", predictionDir, "the prediction folder is the GT folder:"
                    + " each GT mask is scored against itself, so the scores say nothing about a model"));
        }
        Map<String, Path> preds = gtClass < 0 ? index(predictionDir, true, problems, ignored)
                : classIndex(predictionDir, org.infnet.infer.LesionClasses.name(gtClass), problems, ignored);
        Map<String, Path> gts = index(gtDir, false, problems, ignored);

        for (Map.Entry<String, Path> e : preds.entrySet()) {
            if (!gts.containsKey(e.getKey())) {
                problems.add(new Problem(ProblemKind.UNMATCHED_PREDICTION, e.getKey(), e.getValue(),
                        "no GT named " + e.getKey() + ".* in " + gtDir));
            }
        }
        for (Map.Entry<String, Path> e : gts.entrySet()) {
            if (!preds.containsKey(e.getKey())) {
                problems.add(new Problem(ProblemKind.UNMATCHED_GT, e.getKey(), e.getValue(),
                        "no prediction named " + e.getKey() + ".* or " + e.getKey() + PROB_SUFFIX + ".* in "
                                + predictionDir));
            }
        }

        EvalAccumulator acc = new EvalAccumulator();
        List<ImageResult> images = new ArrayList<>();
        int total = (int) gts.keySet().stream().filter(preds::containsKey).count();
        int done = 0;
        for (Map.Entry<String, Path> e : gts.entrySet()) {
            String name = e.getKey();
            Path predPath = preds.get(name);
            if (predPath == null) {
                continue;
            }
            if (progress.cancelled()) {
                throw new java.util.concurrent.CancellationException("evaluation cancelled");
            }
            progress.update(done++, total, "evaluating " + name);
            Path gtPath = e.getValue();
            GrayImage gt = readOrReport(gtClass < 0 ? reader : ImageFiles::read, name, gtPath, problems);
            GrayImage pred = readOrReport(reader, name, predPath, problems);
            if (gt == null || pred == null) {
                continue;
            }
            checkStack(name, gtPath, gt, problems);
            checkStack(name, predPath, pred, problems);
            float[] gtValues = gt.firstSlice();
            boolean[] mask = gtClass < 0 ? Metrics.gtMask(gtValues) : classMask(gtValues, gtClass);
            if (gtClass < 0) {
                checkGtScale(name, gtPath, gtValues, mask, problems);
            }
            boolean resized = pred.width() != gt.width() || pred.height() != gt.height();
            float[] p = org.infnet.image.Resampling.bilinear(pred.firstSlice(), pred.width(), pred.height(), gt.width(), gt.height());
            ImageScores scores;
            try {
                scores = Evaluator.evaluate(p, mask, gt.width(), gt.height());
            } catch (IllegalArgumentException ex) {
                problems.add(new Problem(ProblemKind.INVALID, name, predPath, ex.getMessage()));
                continue;
            }
            acc.add(scores);
            images.add(new ImageResult(name, predPath, gtPath, gt.width(), gt.height(), resized, scores));
        }
        if (preds.isEmpty() && gts.isEmpty()) {
            problems.add(new Problem(ProblemKind.UNMATCHED_GT, "", gtDir,
                    "no images in " + predictionDir + " nor in " + gtDir));
        }
        if (strict && !problems.isEmpty()) {
            throw new EvaluationException(problems);
        }
        return new Result(Collections.unmodifiableList(images), acc.summary(), acc.meanCurves(),
                Collections.unmodifiableList(problems), Collections.unmodifiableList(ignored));
    }

    /** File name without its last extension. */
    public static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /** Base name of a prediction file: without extension and without a trailing {@value #PROB_SUFFIX}. */
    public static String predictionBaseName(String fileName) {
        String b = baseName(fileName);
        if (b.endsWith(PROB_SUFFIX) && b.length() > PROB_SUFFIX.length()) {
            return b.substring(0, b.length() - PROB_SUFFIX.length());
        }
        return b;
    }

    static boolean isImageFile(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Whether {@code base} is {@code STEM_mask} or {@code STEM_edge} and {@code STEM_prob.*} is present. */
    private static boolean isCompanionOfProb(String base, List<Path> files) {
        for (String suffix : new String[] {"_mask", "_edge"}) {
            if (base.endsWith(suffix)) {
                String prob = base.substring(0, base.length() - suffix.length()) + PROB_SUFFIX;
                for (Path f : files) {
                    if (baseName(f.getFileName().toString()).equals(prob)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Map<String, Path> index(Path dir, boolean prediction, List<Problem> problems,
            List<Path> ignored) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory: " + dir);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        Map<String, Path> out = new TreeMap<>();
        for (Path f : files) {
            String fn = f.getFileName().toString();
            if (fn.startsWith(".") || !isImageFile(fn)) {
                ignored.add(f);
                continue;
            }
            String key = prediction ? predictionBaseName(fn) : baseName(fn);
            if (prediction && isCompanionOfProb(baseName(fn), files)) {
                ignored.add(f); // the mask/edge written beside a probability map by the segment command
                continue;
            }
            Path prev = out.putIfAbsent(key, f);
            if (prev != null) {
                problems.add(new Problem(ProblemKind.DUPLICATE, key, f,
                        "same base name as " + prev.getFileName() + ", which is used instead"));
            }
        }
        return out;
    }

    /** Prediction files {@code NAME_CLASS_prob.*} or {@code NAME_CLASS.*} keyed by NAME; others ignored. */
    private static Map<String, Path> classIndex(Path dir, String className, List<Problem> problems,
            List<Path> ignored) throws IOException {
        Map<String, Path> all = index(dir, true, problems, ignored);
        Map<String, Path> out = new TreeMap<>();
        String suffix = "_" + className;
        all.forEach((key, f) -> {
            if (key.endsWith(suffix) && key.length() > suffix.length()) {
                out.put(key.substring(0, key.length() - suffix.length()), f);
            } else {
                ignored.add(f);
            }
        });
        return out;
    }

    private static boolean[] classMask(float[] labels, int cls) {
        boolean[] m = new boolean[labels.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.round(labels[i]) == cls;
        }
        return m;
    }

    private static GrayImage readOrReport(ImageReader reader, String name, Path file, List<Problem> problems) {
        try {
            GrayImage img = reader.read(file);
            if (img == null) {
                problems.add(new Problem(ProblemKind.UNREADABLE, name, file, "reader returned nothing"));
            }
            return img;
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(ProblemKind.UNREADABLE, name, file, String.valueOf(e.getMessage())));
            return null;
        }
    }

    private static void checkStack(String name, Path file, GrayImage img, List<Problem> problems) {
        if (img.depth() > 1) {
            problems.add(new Problem(ProblemKind.WARNING, name, file,
                    img.depth() + " slices; only the first was evaluated"));
        }
    }

    private static void checkGtScale(String name, Path file, float[] gt, boolean[] mask, List<Problem> problems) {
        for (boolean b : mask) {
            if (b) {
                return;
            }
        }
        float max = 0;
        for (float v : gt) {
            max = Math.max(max, v);
        }
        if (max > 0) {
            problems.add(new Problem(ProblemKind.WARNING, name, file, String.format(Locale.ROOT,
                    "GT has nonzero values but none above 128 (max %.4g), so it counts as empty;"
                            + " is it a 0/1 mask?", max)));
        }
    }
}
