package org.infnet.io.nifti;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the voxel axes (i,j,k) of a NIfTI file map onto the canonical axial layout of
 * {@link NiftiGeometry}: canonical axis {@code o} (x,y,z) is source axis {@code sourceAxis[o]},
 * traversed backwards when {@code flip[o]}.
 *
 * <p>The voxel-to-world (RAS+) matrix comes from the sform if {@code sform_code > 0}, else from
 * the qform if {@code qform_code > 0}, else (NIfTI "method 1") from {@code pixdim} alone, meaning
 * i to the right, j anterior, k superior (with a warning). Each world axis (R-L, A-P, S-I) is
 * paired with the source axis most parallel to it (best of the 6 permutations); axis-aligned
 * files (any permutation and flip of RAS/LPS, e.g. sagittal or coronal acquisitions) are therefore
 * reoriented exactly, and oblique files are snapped to the nearest axes with a warning giving the
 * largest angle.
 *
 * @param sourceAxis  source axis (0=i, 1=j, 2=k) for canonical x, y, z
 * @param flip        whether canonical x, y, z run against the source axis
 * @param spacing     voxel size along canonical x, y, z in file units (column norms of the matrix)
 * @param matrix      3x4 voxel-to-world matrix in file units
 * @param sourceAxes  anatomical direction of source axes i,j,k, e.g. {@code "LPS"}
 * @param warnings    assumptions made
 */
record NiftiOrientation(int[] sourceAxis, boolean[] flip, double[] spacing, double[][] matrix, String sourceAxes,
        List<String> warnings) {

    /** Largest tolerated deviation from axis alignment, in degrees, before warning. */
    static final double OBLIQUE_TOLERANCE_DEG = 0.5;

    private static final int[][] PERMUTATIONS = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

    /** Derives the orientation of {@code h}. */
    static NiftiOrientation of(NiftiHeader h) {
        List<String> warnings = new ArrayList<>();
        double[][] m = null;
        if (h.sformCode() > 0) {
            m = new double[3][4];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    m[r][c] = h.srow()[r][c];
                }
            }
            if (!usable(m)) {
                warnings.add("sform is degenerate; ignored");
                m = null;
            }
        }
        if (m == null && h.qformCode() > 0) {
            m = qform(h);
            if (!usable(m)) {
                warnings.add("qform is degenerate; ignored");
                m = null;
            }
        }
        if (m == null) {
            warnings.add("no usable orientation in the header (qform_code=" + h.qformCode() + ", sform_code="
                    + h.sformCode() + "): assumed i->right, j->anterior, k->superior (NIfTI method 1)");
            m = new double[][] {{pix(h, 1), 0, 0, 0}, {0, pix(h, 2), 0, 0}, {0, 0, pix(h, 3), 0}};
        }
        double[] norm = new double[3];
        for (int a = 0; a < 3; a++) {
            norm[a] = Math.sqrt(m[0][a] * m[0][a] + m[1][a] * m[1][a] + m[2][a] * m[2][a]);
        }
        int[] best = null;
        double bestScore = -1;
        for (int[] p : PERMUTATIONS) { // p[w] = source axis for world axis w
            double score = 0;
            for (int w = 0; w < 3; w++) {
                score += Math.abs(m[w][p[w]]) / norm[p[w]];
            }
            if (score > bestScore + 1e-12) {
                bestScore = score;
                best = p;
            }
        }
        double worst = 0;
        boolean[] flip = new boolean[3];
        double[] spacing = new double[3];
        char[] letters = new char[3];
        for (int w = 0; w < 3; w++) {
            int a = best[w];
            double cos = Math.min(1, Math.abs(m[w][a]) / norm[a]);
            worst = Math.max(worst, Math.toDegrees(Math.acos(cos)));
            boolean positive = m[w][a] > 0;
            flip[w] = w == 2 ? !positive : positive; // canonical x -> L, y -> P, z -> S
            spacing[w] = norm[a];
            letters[a] = "RAS".charAt(w);
            if (!positive) {
                letters[a] = "LPI".charAt(w);
            }
        }
        if (worst > OBLIQUE_TOLERANCE_DEG) {
            warnings.add(String.format(Locale.ROOT, "oblique orientation (up to %.1f degrees off the axes) was"
                    + " approximated by the nearest axis-aligned orientation without resampling", worst));
        }
        return new NiftiOrientation(best.clone(), flip, spacing, m, new String(letters), List.copyOf(warnings));
    }

    private static double pix(NiftiHeader h, int i) {
        double v = Math.abs(h.pixdim()[i]);
        return v > 0 && Double.isFinite(v) ? v : 1.0;
    }

    private static boolean usable(double[][] m) {
        for (int a = 0; a < 3; a++) {
            double n = m[0][a] * m[0][a] + m[1][a] * m[1][a] + m[2][a] * m[2][a];
            if (!(n > 0) || !Double.isFinite(n)) {
                return false;
            }
        }
        return Double.isFinite(m[0][3]) && Double.isFinite(m[1][3]) && Double.isFinite(m[2][3]);
    }

    /** The qform matrix (NIfTI-1 method 2). */
    static double[][] qform(NiftiHeader h) {
        double b = h.quatern()[0], c = h.quatern()[1], d = h.quatern()[2];
        double a2 = 1.0 - (b * b + c * c + d * d);
        double a;
        if (a2 < 1e-7) { // 180-degree rotation: renormalise (b,c,d), a = 0
            double s = Math.sqrt(b * b + c * c + d * d);
            a = 0;
            if (s > 0) {
                b /= s;
                c /= s;
                d /= s;
            }
        } else {
            a = Math.sqrt(a2);
        }
        double[][] r = {
            {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
            {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
            {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
        double qfac = h.pixdim()[0] < 0 ? -1 : 1;
        double[] s = {pix(h, 1), pix(h, 2), qfac * pix(h, 3)};
        double[][] m = new double[3][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[i][j] = r[i][j] * s[j];
            }
            m[i][3] = h.qoffset()[i];
        }
        return m;
    }
}
