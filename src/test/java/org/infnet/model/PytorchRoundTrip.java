package org.infnet.model;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infnet.image.Resampling;
import org.infnet.nn.InfNet;

/**
 * Developer main (not a test): compares the five maps of a model folder imported from
 * {@code bench/python/pth_roundtrip.py}'s checkpoint with PyTorch's maps on the same slice.
 *
 * <pre>java -cp ... org.infnet.model.PytorchRoundTrip MODEL_DIR [ROUNDTRIP_DIR=/tmp/pth_roundtrip]</pre>
 */
public final class PytorchRoundTrip {

    private PytorchRoundTrip() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path rt = Path.of(args.length > 1 ? args[1] : "/tmp/pth_roundtrip");
        JsonObject info = JsonParser.parseString(Files.readString(rt.resolve("info.json"))).getAsJsonObject();
        int w = info.get("width").getAsInt();
        int h = info.get("height").getAsInt();
        float[] slice = RoundTripCheck.f32(rt.resolve("slice.f32"));
        float[] ref = RoundTripCheck.f32(rt.resolve("maps.f32"));
        String[] names = {"map5", "map4", "map3", "map2", "edge"};
        int status;
        try (NetworkModel<InfNet> m = ModelKind.INFNET.load(model, Device.cpu())) {
            m.freeze();
            System.out.println("model " + m.descriptor().name() + ", source_sha256 "
                    + m.descriptor().provenance().get("source_sha256") + " (python: " + info.get("sha256").getAsString() + ")");
            int side = m.descriptor().inputSize();
            float[] resized = Resampling.bilinear(slice, w, h, side, side);
            try (NDManager nd = m.manager().newSubManager()) {
                NDList out = m.net().forward(new ParameterStore(nd, false),
                        new NDList(new InputEncoder(m.descriptor().normalisation()).encode(nd, List.of(resized), side)),
                        false);
                int plane = side * side;
                float[][] got = new float[5][];
                for (int k = 0; k < 5; k++) {
                    got[k] = out.get(k).toFloatArray();
                }
                status = RoundTripCheck.report(names, got, ref, plane);
            }
        }
        System.exit(status);
    }
}
