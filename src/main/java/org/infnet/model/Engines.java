package org.infnet.model;

import ai.djl.engine.Engine;

/** Engine-specific switches that DJL does not expose through its engine-neutral API. */
public final class Engines {

    private Engines() {}

    /**
     * Turns off autograd recording on the calling thread (PyTorch keeps this flag per thread, and a
     * new thread records by default, which costs time and memory during inference). A gradient
     * collector opened later on the thread turns it on for its own lifetime.
     */
    public static void disableGradientRecording() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
    }
}
