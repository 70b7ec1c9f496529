package org.infnet.ij1;

import java.util.Collection;
import java.util.Locale;

/** Nearest-name suggestions for misspelled command labels and option keys. */
public final class Suggestions {

    private Suggestions() {}

    /**
     * The name among {@code names} closest to {@code given} (case-insensitive edit distance), or null when none is
     * within a third of the given name's length (at least 2 edits), so that unrelated names are not suggested.
     */
    public static String closest(String given, Collection<String> names) {
        String g = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestD = Math.max(2, g.length() / 3) + 1;
        for (String n : names) {
            int d = distance(g, n.toLowerCase(Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        }
        return best;
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
