package org.infnet.infer;

/**
 * The classes of the multi-class pipeline and their display colours, as in the paper's figures: 0
 * background (black), 1 ground-glass opacity (red), 2 consolidation (green).
 */
public final class LesionClasses {

    /** Label value of the background. */
    public static final int BACKGROUND = 0;
    /** Label value of ground-glass opacity. */
    public static final int GGO = 1;
    /** Label value of consolidation. */
    public static final int CONSOLIDATION = 2;

    /** Number of classes. */
    public static final int COUNT = 3;

    /** Short names by label value, used in file names ({@code NAME_ggo_prob.tif}) and tables. */
    private static final String[] NAMES = {"background", "ggo", "consolidation"};

    /** Colour (0xRRGGBB) of each label value. */
    private static final int[] COLOURS = {0x000000, 0xff0000, 0x00ff00};

    private LesionClasses() {}

    /** Short name of label {@code c}. */
    public static String name(int c) {
        return NAMES[c];
    }

    /** The label of a short name or of its number ("ggo" or "1"). */
    public static int parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        for (int c = 0; c < COUNT; c++) {
            if (NAMES[c].equals(t) || Integer.toString(c).equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown class '" + s + "' (0|background, 1|ggo, 2|consolidation)");
    }

    /**
     * The 256-entry lookup table of label images, {@code lut[channel][value]} with channels red, green,
     * blue: the class colours at 0, 1, 2 and black above.
     */
    public static byte[][] lut() {
        byte[][] lut = new byte[3][256];
        for (int c = 0; c < COUNT; c++) {
            lut[0][c] = (byte) (COLOURS[c] >> 16);
            lut[1][c] = (byte) (COLOURS[c] >> 8);
            lut[2][c] = (byte) COLOURS[c];
        }
        return lut;
    }
}
