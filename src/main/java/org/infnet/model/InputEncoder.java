package org.infnet.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.infnet.nn.EngineArrays;

/**
 * Turns gray slices in [0,1] (already at the network's side length) into the network input: the slice
 * replicated to three channels and normalised per channel, as the original's {@code transforms.Normalize}.
 */
public final class InputEncoder {

    private final float[] mean;
    private final float[] std;

    /** An encoder with the given normalisation. */
    public InputEncoder(ModelDescriptor.Normalisation n) {
        this.mean = n.mean().clone();
        this.std = n.std().clone();
    }

    /** Encodes {@code slices} (each {@code side * side} values in [0,1]) into a (B, 3, side, side) array. */
    public NDArray encode(NDManager m, List<float[]> slices, int side) {
        int plane = side * side;
        float[] data = new float[slices.size() * 3 * plane];
        for (int b = 0; b < slices.size(); b++) {
            float[] s = slices.get(b);
            if (s.length != plane) {
                throw new IllegalArgumentException("slice " + b + " has " + s.length + " values, expected " + plane);
            }
            for (int c = 0; c < 3; c++) {
                int off = (b * 3 + c) * plane;
                float mu = mean[c];
                float inv = 1f / std[c];
                for (int i = 0; i < plane; i++) {
                    data[off + i] = (s[i] - mu) * inv;
                }
            }
        }
        return EngineArrays.floats(m, data, new Shape(slices.size(), 3, side, side));
    }

    /** Stacks single-channel maps ({@code side * side} each) into a (B, 1, side, side) array. */
    public static NDArray stack(NDManager m, List<float[]> maps, int side) {
        int plane = side * side;
        float[] data = new float[maps.size() * plane];
        for (int b = 0; b < maps.size(); b++) {
            System.arraycopy(maps.get(b), 0, data, b * plane, plane);
        }
        return EngineArrays.floats(m, data, new Shape(maps.size(), 1, side, side));
    }
}
