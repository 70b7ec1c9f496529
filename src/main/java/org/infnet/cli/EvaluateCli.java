package org.infnet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.infnet.eval.EvalCsv;
import org.infnet.eval.FolderEvaluation;

/** {@code evaluate --pred DIR --gt DIR [--csv FILE]}: the paper's evaluation protocol over two folders. */
final class EvaluateCli {

    private EvaluateCli() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, Set.of("pred", "gt", "csv"), Set.of("strict"));
        FolderEvaluation.Result r = FolderEvaluation.evaluate(a.path("pred"), a.path("gt"), a.has("strict"));
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
