package org.infnet.engine;

/**
 * How ATen computes on the CPU in this process: whether it may use oneDNN (mkldnn) and NNPACK for its kernels.
 * PyTorch's default is both on; where NNPACK cannot start, ATen skips it anyway (after printing a warning).
 *
 * @param onednn ATen may use oneDNN (PyTorch's default; its fastest CPU convolutions)
 * @param nnpack ATen may use NNPACK
 */
public record EngineConfig(boolean onednn, boolean nnpack) {

    /** For messages: {@code "oneDNN on, NNPACK off"}. */
    public String label() {
        return "oneDNN " + (onednn ? "on" : "off") + ", NNPACK " + (nnpack ? "on" : "off");
    }
}
