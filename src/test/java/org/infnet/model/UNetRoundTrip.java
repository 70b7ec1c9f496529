package org.infnet.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.infnet.image.Resampling;
import org.infnet.nn.MultiClassUNet;

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
        float[] slice = RoundTripCheck.f32(rt.resolve("slice.f32"));
        float[] prior = RoundTripCheck.f32(rt.resolve("prior.f32"));
        float[] ref = RoundTripCheck.f32(rt.resolve("logits.f32"));
        String[] names = {"background", "GGO", "consolidation"};
        int status;
        try (NetworkModel<MultiClassUNet> m = ModelKind.UNET.load(model, Device.cpu())) {
            m.freeze();
            System.out.println("model " + m.descriptor().name() + ", source_sha256 "
                    + m.descriptor().provenance().get("source_sha256") + " (python: " + info.get("sha256").getAsString() + ")");
            int side = m.descriptor().inputSize();
            float[] s = Resampling.bilinear(slice, info.get("width").getAsInt(), info.get("height").getAsInt(), side, side);
            float[] p = Resampling.bilinear(prior, info.get("prior_width").getAsInt(),
                    info.get("prior_height").getAsInt(), side, side);
            try (NDManager nd = m.manager().newSubManager()) {
                long t0 = System.nanoTime();
                NDArray logits = UNetInput.logits(m, nd, UNetInput.encode(m.descriptor(), nd, List.of(s), List.of(p), side));
                float[] got = logits.toFloatArray();
                System.out.printf(Locale.ROOT, "forward %.1f s%n", (System.nanoTime() - t0) / 1e9);
                int plane = side * side;
                float[][] planes = new float[names.length][];
                for (int k = 0; k < names.length; k++) {
                    planes[k] = java.util.Arrays.copyOfRange(got, k * plane, (k + 1) * plane);
                }
                status = RoundTripCheck.report(names, planes, ref, plane);
            }
        }
        System.exit(status);
    }
}
