package org.infnet.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.infnet.engine.EngineSetup;
import org.infnet.nn.EngineArrays;

/** Engine-specific switches that DJL does not expose through its engine-neutral API. */
public final class Engines {

    private Engines() {}

    /**
     * Sets the number of threads each PyTorch operation may use, for the whole process (PyTorch keeps one
     * setting). One thread per operation with one segmentation stream per core segments more slices per second
     * on a CPU than all cores on one stream: the compact network's small operations scale poorly across threads
     * (measured with 2 cores: 52 vs 75 ms per 352x352 slice).
     */
    public static void setIntraOpThreads(int n) {
        EngineSetup.ensure();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
    }

    /**
     * Turns off autograd recording on the calling thread (PyTorch keeps this flag per thread, and a
     * new thread records by default, which costs time and memory during inference). A gradient
     * collector opened later on the thread turns it on for its own lifetime.
     */
    public static void disableGradientRecording() {
        EngineSetup.ensure();
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
    }

    /**
     * Copies {@code values} into the existing memory of {@code target} (same number of elements, row-major).
     *
     * <p>Use this instead of {@link NDArray#set(float[])}: the PyTorch engine implements {@code set} as
     * {@code Tensor.set_}, which makes the tensor (and every other handle on it, such as a parameter's
     * gradient) point at a Java direct buffer that lives only as long as that one Java handle. A copy keeps the
     * memory owned by the engine.
     *
     * @throws IllegalArgumentException if the sizes differ ({@link EngineArrays#floats} checks them)
     */
    public static void copyInto(NDArray target, float[] values) {
        try (NDManager tmp = target.getManager().newSubManager()) {
            assign(target, EngineArrays.floats(tmp, values, target.getShape()));
        }
    }

    /** Sets every element of {@code target} to zero in place (also where it held NaN or infinity). */
    public static void zero(NDArray target) {
        try (NDManager tmp = target.getManager().newSubManager()) {
            assign(target, tmp.zeros(target.getShape(), target.getDataType()));
        }
    }

    /** {@code target[...] = source} with autograd off (the target may be a parameter, a leaf that requires grad). */
    private static void assign(NDArray target, NDArray source) {
        boolean pytorch = "PyTorch".equals(Engine.getInstance().getEngineName());
        boolean recording = pytorch && ai.djl.pytorch.jni.JniUtils.isGradMode();
        if (recording) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
        try {
            target.set(new NDIndex("..."), source);
        } finally {
            if (recording) {
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            }
        }
    }
}
