package org.infnet.semisup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infnet.eval.FolderEvaluation;
import org.infnet.eval.Summary;

/**
 * Agreement of pseudo labels with reference pseudo labels (e.g. the published Semi-Inf-Net ones), scored
 * with the paper's toolbox ({@link FolderEvaluation}): ours are the predictions, the reference's are the
 * ground truth ({@code > 128}). Only the slices present in both are scored, so a partial run (a few
 * rounds) is compared on its own slices.
 *
 * @param slices slices scored
 * @param summary the toolbox's summary over them (meanDic, ...)
 * @param problems problems other than reference labels we have no label for (unreadable files, size
 *     mismatches, labels without a reference)
 */
public record Agreement(int slices, Summary summary, List<FolderEvaluation.Problem> problems) {

    /**
     * Scores the labels in {@code ours} against {@code reference}; either may be an Inf-Net-layout root
     * (its {@code GT/} is used) or the label folder itself.
     *
     * @throws IOException if a folder cannot be listed or no slice is in both
     */
    public static Agreement score(Path ours, Path reference) throws IOException {
        FolderEvaluation.Result r = FolderEvaluation.evaluate(gtFolder(ours), gtFolder(reference), false);
        if (r.images().isEmpty()) {
            throw new IOException("no slice of " + gtFolder(ours) + " has a label in " + gtFolder(reference));
        }
        return new Agreement(r.images().size(), r.summary(), r.problems().stream()
                .filter(p -> p.kind() != FolderEvaluation.ProblemKind.UNMATCHED_GT).toList());
    }

    /** One line: {@code agreement over N slices: meanDic:...;...}. */
    public String formatLine() {
        return "agreement over " + slices + " slices: " + summary.formatLine();
    }

    private static Path gtFolder(Path p) {
        return Files.isDirectory(p.resolve("GT")) ? p.resolve("GT") : p;
    }
}
