package org.infnet.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Shared by the developer round-trip mains: reading PyTorch's dumps and comparing planes against them. */
final class RoundTripCheck {

    private RoundTripCheck() {}

    /** A little-endian float32 dump. */
    static float[] f32(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    /**
     * Prints the max abs difference of each named plane ({@code got[k]} against plane {@code k} of {@code ref})
     * and the verdict; returns the exit status (0 if every plane is within 1e-3).
     */
    static int report(String[] names, float[][] got, float[] ref, int plane) {
        double worst = 0;
        for (int k = 0; k < names.length; k++) {
            double max = 0;
            double range = 0;
            for (int i = 0; i < plane; i++) {
                max = Math.max(max, Math.abs(got[k][i] - ref[k * plane + i]));
                range = Math.max(range, Math.abs(ref[k * plane + i]));
            }
            worst = Math.max(worst, max);
            System.out.printf(Locale.ROOT, "%s: max abs diff %.3e (max |torch| %.3f)%n", names[k], max, range);
        }
        System.out.printf(Locale.ROOT, "worst %.3e -> %s%n", worst, worst < 1e-3 ? "PASS (< 1e-3)" : "FAIL");
        return worst < 1e-3 ? 0 : 1;
    }
}
