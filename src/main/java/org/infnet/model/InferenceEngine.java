package org.infnet.model;

import java.util.Locale;

/**
 * Which runtime runs a network's inference pass: PyTorch through DJL (the engine that also trains), or ONNX Runtime
 * on the network exported to ONNX ({@link org.infnet.onnx.OnnxExport}), which gives the same values within 1e-4.
 * Chosen per run ({@code --engine}, a command parameter), else by the model descriptor's preference
 * ({@link ModelDescriptor#engine}), else {@link #DEFAULT}.
 */
public enum InferenceEngine {
    /** PyTorch (DJL), on the frozen weights. */
    PYTORCH,
    /** ONNX Runtime. */
    ONNX;

    /**
     * The engine used when neither the run nor the model asks for one: ONNX Runtime, measured faster on the
     * development machine for every network and batch size (doc/onnx.md).
     */
    public static final InferenceEngine DEFAULT = ONNX;

    /** The engine named {@code name} ({@code onnx} or {@code pytorch}, any case). */
    public static InferenceEngine parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "onnx", "onnxruntime", "ort" -> ONNX;
            case "pytorch", "torch", "djl" -> PYTORCH;
            default -> throw new IllegalArgumentException("unknown engine '" + name + "' (onnx or pytorch)");
        };
    }

    /**
     * The engine of a run: {@code requested} when given (not null, not blank, not {@code auto}), else the
     * descriptor's preference when it has one, else {@link #DEFAULT}.
     */
    public static InferenceEngine resolve(String requested, ModelDescriptor descriptor) {
        if (requested != null && !requested.isBlank() && !requested.trim().equalsIgnoreCase("auto")) {
            return parse(requested);
        }
        if (descriptor != null && descriptor.engine() != null && !descriptor.engine().isBlank()) {
            return parse(descriptor.engine());
        }
        return DEFAULT;
    }

    /** The lower-case name, as {@link #parse} reads it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
