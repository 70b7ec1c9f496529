package org.infnet.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.infnet.io.Resampling;

/**
 * Developer main (not a test): compares the logits of a U-Net model folder imported from {@code
 * bench/python/unet_roundtrip.py}'s checkpoint with PyTorch's logits on the same slice and prior.
 *
 * <pre>java -cp ... org.infnet.model.UNetRoundTrip MODEL_DIR [ROUNDTRIP_DIR=/tmp/unet_roundtrip]</pre>
 */
public final class UNetRoundTrip {

    private UNetRoundTrip() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path rt = Path.of(args.length > 1 ? args[1] : "/tmp/unet_roundtrip");
        JsonObject info = JsonParser.parseString(Files.readString(rt.resolve("info.json"))).getAsJsonObject();
        float[] slice = f32(rt.resolve("slice.f32"));
        float[] prior = f32(rt.resolve("prior.f32"));
        float[] ref = f32(rt.resolve("logits.f32"));
        String[] names = {"background", "GGO", "consolidation"};
        double worst = 0;
        try (MultiClassModel m = MultiClassModel.load(model, Device.cpu())) {
            m.freeze();
            System.out.println("model " + m.descriptor().name() + ", source_sha256 "
                    + m.descriptor().provenance().get("source_sha256") + " (python: " + info.get("sha256").getAsString() + ")");
            int side = m.descriptor().inputSize();
            float[] s = Resampling.bilinear(slice, info.get("width").getAsInt(), info.get("height").getAsInt(), side, side);
            float[] p = Resampling.bilinear(prior, info.get("prior_width").getAsInt(),
                    info.get("prior_height").getAsInt(), side, side);
            try (NDManager nd = m.manager().newSubManager()) {
                long t0 = System.nanoTime();
                NDArray logits = m.logits(nd, m.encode(nd, List.of(s), List.of(p), side));
                float[] got = logits.toFloatArray();
                System.out.printf(Locale.ROOT, "forward %.1f s%n", (System.nanoTime() - t0) / 1e9);
                int plane = side * side;
                for (int k = 0; k < names.length; k++) {
                    double max = 0;
                    double range = 0;
                    for (int i = 0; i < plane; i++) {
                        max = Math.max(max, Math.abs(got[k * plane + i] - ref[k * plane + i]));
                        range = Math.max(range, Math.abs(ref[k * plane + i]));
                    }
                    worst = Math.max(worst, max);
                    System.out.printf(Locale.ROOT, "%s: max abs diff %.3e (max |torch| %.3f)%n", names[k], max, range);
                }
            }
        }
        System.out.printf(Locale.ROOT, "worst %.3e -> %s%n", worst, worst < 1e-3 ? "PASS (< 1e-3)" : "FAIL");
        System.exit(worst < 1e-3 ? 0 : 1);
    }

    private static float[] f32(Path p) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }
}
