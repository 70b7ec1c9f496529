package org.infnet.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
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

    /**
     * Encodes {@code slices} (each {@code side * side} values in [0,1]) into a (B, 3, side, side) array. On the CPU
     * the planes are written straight into the engine's memory, one plane at a time, so no Java array of the whole
     * batch is made (at 352x352 and batch 4 it would be 5.9 MB, a humongous allocation for the collector per batch).
     */
    public NDArray encode(NDManager m, List<float[]> slices, int side) {
        int plane = side * side;
        for (int b = 0; b < slices.size(); b++) {
            if (slices.get(b).length != plane) {
                throw new IllegalArgumentException(
                        "slice " + b + " has " + slices.get(b).length + " values, expected " + plane);
            }
        }
        Shape shape = new Shape(slices.size(), 3, side, side);
        if (!m.getDevice().equals(Device.cpu()) || slices.isEmpty()) {
            float[] data = new float[slices.size() * 3 * plane];
            for (int b = 0; b < slices.size(); b++) {
                for (int c = 0; c < 3; c++) {
                    normalise(slices.get(b), c, data, (b * 3 + c) * plane);
                }
            }
            return EngineArrays.floats(m, data, shape);
        }
        NDArray x = m.create(shape, DataType.FLOAT32);
        FloatBuffer into = x.toByteBuffer(true).asFloatBuffer(); // the tensor's own memory on the CPU
        float[] one = new float[plane];
        for (float[] s : slices) {
            for (int c = 0; c < 3; c++) {
                normalise(s, c, one, 0);
                into.put(one);
            }
        }
        return x;
    }

    /** {@code dst[off + i] = (s[i] - mean[c]) * (1 / std[c])}: {@code transforms.Normalize} up to float rounding. */
    private void normalise(float[] s, int c, float[] dst, int off) {
        float mu = mean[c];
        float inv = 1f / std[c];
        for (int i = 0; i < s.length; i++) {
            dst[off + i] = (s[i] - mu) * inv;
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
