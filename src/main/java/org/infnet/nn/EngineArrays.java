package org.infnet.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.function.Consumer;

/**
 * Arrays made from Java values whose memory the engine owns from the start.
 *
 * <p>DJL's {@code NDManager.create(float[], Shape)} copies the values into a new Java direct buffer and, on the
 * CPU, makes the tensor point into that buffer ({@code torch::from_blob}). That memory is freed only when the
 * garbage collector finds the buffer unreachable, however early the array is closed, so a batch loop piles such
 * buffers up between collections (three slices through a 352x352 model: 5.9 MB, {@code NDArrayLeakTest}). Arrays
 * made here are allocated by the engine and freed when closed, like the result of any operation.
 */
public final class EngineArrays {

    private EngineArrays() {}

    /**
     * A new float32 array of {@code shape} on {@code m}'s device holding {@code values} in row-major order, attached
     * to {@code m}. On the CPU the values are written straight into the engine's tensor (one copy, no Java direct
     * buffer); on other devices DJL's own upload is used (which copies on the native side).
     *
     * @throws IllegalArgumentException if {@code values} does not have {@code shape.size()} elements
     */
    public static NDArray floats(NDManager m, float[] values, Shape shape) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(values.length + " values for an array of shape " + shape);
        }
        return written(m, shape, into -> into.put(values));
    }

    /**
     * A new float32 array of {@code shape} on {@code m}'s device, attached to {@code m}, whose values {@code fill}
     * puts, all of them in row-major order, into the buffer it is given: on the CPU the engine's own tensor memory
     * (so a caller that produces the values a part at a time needs no Java array of the whole), elsewhere a Java
     * array then uploaded by DJL.
     */
    public static NDArray written(NDManager m, Shape shape, Consumer<FloatBuffer> fill) {
        if (!m.getDevice().equals(Device.cpu()) || shape.size() == 0) {
            float[] values = new float[Math.toIntExact(shape.size())];
            fill.accept(FloatBuffer.wrap(values));
            return m.create(values, shape);
        }
        NDArray a = m.create(shape, DataType.FLOAT32);
        fill.accept(a.toByteBuffer(true).asFloatBuffer());
        return a;
    }

    /**
     * The values of float32 array {@code a} in row-major order, for reading: on the CPU a view of the engine's own
     * memory (valid while {@code a} is open; {@code a} must be contiguous, as the fresh result of an operation is),
     * elsewhere a copy. Reading planes out of it into arrays the caller needs anyway saves DJL's {@code toFloatArray}
     * copy of the whole array.
     */
    public static FloatBuffer view(NDArray a) {
        if (!a.getDevice().equals(Device.cpu()) || a.getShape().size() == 0) {
            return FloatBuffer.wrap(a.toFloatArray());
        }
        return a.toByteBuffer(true).asFloatBuffer();
    }
}
