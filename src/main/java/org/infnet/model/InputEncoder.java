package org.infnet.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.List;
import org.infnet.nn.EngineArrays;
import org.infnet.onnx.OnnxNetwork;

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

    /**
     * Encodes {@code slices} (each {@code side * side} values in [0,1]) into a (B, 3, side, side) array. The planes
     * are normalised one at a time into the engine's memory ({@link EngineArrays#written}), so no Java array of the
     * whole batch is made (at 352x352 and batch 4 it would be 5.9 MB, a humongous allocation for the collector).
     */
    public NDArray encode(NDManager m, List<float[]> slices, int side) {
        check(slices, side);
        return EngineArrays.written(m, new Shape(slices.size(), 3, side, side), into -> write(into, slices, side));
    }

    /**
     * Encodes {@code slices} as {@link #encode} does, into a new direct buffer of (B, 3, side, side) values (the
     * input of {@link org.infnet.onnx.OnnxNetwork#run}), positioned at 0.
     */
    public FloatBuffer encode(List<float[]> slices, int side) {
        check(slices, side);
        FloatBuffer b = OnnxNetwork.directFloats(slices.size() * 3 * side * side);
        write(b, slices, side);
        return b.flip();
    }

    private static void check(List<float[]> slices, int side) {
        int plane = side * side;
        for (int b = 0; b < slices.size(); b++) {
            if (slices.get(b).length != plane) {
                throw new IllegalArgumentException(
                        "slice " + b + " has " + slices.get(b).length + " values, expected " + plane);
            }
        }
    }

    private void write(FloatBuffer into, List<float[]> slices, int side) {
        int plane = side * side;
        float[] one = new float[plane];
        for (float[] s : slices) {
            for (int c = 0; c < 3; c++) {
                float mu = mean[c];
                float inv = 1f / std[c]; // (x - mean) / std as transforms.Normalize, up to float rounding
                for (int i = 0; i < plane; i++) {
                    one[i] = (s[i] - mu) * inv;
                }
                into.put(one);
            }
        }
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
