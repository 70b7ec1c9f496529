package org.infnet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.infnet.eval.EvalCsv;
import org.infnet.eval.FolderEvaluation;
import org.infnet.infer.LesionClasses;
import org.infnet.infer.Progress;

/**
 * {@code evaluate --pred DIR --gt DIR [--class C] [--csv FILE]}: the paper's evaluation protocol over two
 * folders; with {@code --class} (1|ggo, 2|consolidation) one class of a multi-class segmentation, see {@link
 * FolderEvaluation#evaluateClass}.
 */
final class EvaluateCli {

    private EvaluateCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("pred", "gt", "csv", "class"), Set.of("strict"));
        FolderEvaluation.Result r;
        if (a.has("class")) {
            int c;
            try {
                c = LesionClasses.parse(a.get("class", null));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException(e.getMessage());
            }
            r = FolderEvaluation.evaluateClass(a.path("pred"), a.path("gt"), c, a.has("strict"), Progress.NONE);
            out.println("class " + c + " (" + LesionClasses.name(c) + "): GT == " + c + ", predictions *_"
                    + LesionClasses.name(c) + "_prob.*");
        } else {
            r = FolderEvaluation.evaluate(a.path("pred"), a.path("gt"), a.has("strict"));
        }
        r.requireImages(a.path("pred"), a.path("gt"));
        for (FolderEvaluation.Problem p : r.problems()) {
            out.println("warning: " + p);
        }
        out.println(r.summary().formatLine());
        out.println(r.summary().formatMaxAdaptiveLine());
        out.println("images: " + r.images().size());
        if (a.has("csv")) {
            Path csv = Path.of(a.get("csv", null));
            Path curves = EvalCsv.write(csv, r);
            out.println("wrote " + csv + " and " + curves);
        }
        return 0;
    }
}
