package org.infnet.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.infnet.nn.InfNetConfig;
import org.infnet.nn.UNetConfig;

/**
 * The {@code model.json} of a model folder: what network the weights belong to, what input it
 * expects, what it outputs, where it came from and how well it validated.
 *
 * @param format descriptor format identifier, {@link #FORMAT}
 * @param name human-readable model name
 * @param network architecture of an Inf-Net (backbone and head widths); {@code null} for a multi-class
 *     U-Net
 * @param inputSize side of the square network input (352)
 * @param normalisation per-channel mean and standard deviation applied to the [0,1] slice
 * @param input what the model expects as input
 * @param outputs what the outputs mean
 * @param weights file name of the weights, relative to the folder
 * @param provenance how, on what and when it was trained (free text entries)
 * @param validation validation metrics (name to value), empty when unknown
 * @param unet architecture of a multi-class U-Net ({@link UNetConfig}); {@code null} (absent from the
 *     JSON) for an Inf-Net, so descriptors written before U-Nets existed read unchanged. Exactly one of
 *     {@code network} and {@code unet} is set.
 * @param engine the inference engine this model prefers ({@code onnx} or {@code pytorch}, see
 *     {@link InferenceEngine}); {@code null} (absent from the JSON) for the default
 */
public record ModelDescriptor(
        String format,
        String name,
        InfNetConfig network,
        int inputSize,
        Normalisation normalisation,
        String input,
        String outputs,
        String weights,
        Map<String, String> provenance,
        Map<String, Double> validation,
        UNetConfig unet,
        String engine) {

    /** The format identifier this version reads and writes. */
    public static final String FORMAT = "infnet-fiji-model/1";

    /** File name of the descriptor inside a model folder. */
    public static final String FILE = "model.json";

    /** Inf-Net architecture identifiers: {@code infnet-} and lower-case letters, digits and dashes. */
    static final String INFNET_ARCHITECTURE = "infnet-[a-z0-9][a-z0-9.-]*";

    /** Multi-class U-Net architecture identifiers: {@code multiclass-unet} with an optional {@code -suffix}. */
    static final String UNET_ARCHITECTURE = "multiclass-unet(-[a-z0-9][a-z0-9.-]*)?";

    /** The largest network input side accepted (the paper uses 352). */
    public static final int MAX_INPUT_SIZE = 4096;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /**
     * Per-channel normalisation {@code (x - mean) / std} of the replicated gray slice.
     *
     * @param mean channel means
     * @param std channel standard deviations
     */
    public record Normalisation(float[] mean, float[] std) {
        /** ImageNet statistics, as the original Inf-Net uses. */
        public static final Normalisation IMAGENET =
                new Normalisation(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }

    /** A descriptor without an engine preference. */
    public ModelDescriptor(String format, String name, InfNetConfig network, int inputSize,
            Normalisation normalisation, String input, String outputs, String weights,
            Map<String, String> provenance, Map<String, Double> validation, UNetConfig unet) {
        this(format, name, network, inputSize, normalisation, input, outputs, weights, provenance, validation, unet,
                null);
    }

    /** An Inf-Net descriptor (the form every descriptor had before multi-class U-Nets). */
    public ModelDescriptor(String format, String name, InfNetConfig network, int inputSize,
            Normalisation normalisation, String input, String outputs, String weights,
            Map<String, String> provenance, Map<String, Double> validation) {
        this(format, name, network, inputSize, normalisation, input, outputs, weights, provenance, validation, null);
    }

    /** A descriptor for a freshly built network with the paper's input conventions. */
    public static ModelDescriptor create(String name, InfNetConfig network) {
        return new ModelDescriptor(FORMAT, name, network, 352, Normalisation.IMAGENET,
                "one axial CT slice as 8-bit gray in a lung window (HU level -600, width 1500), scaled to [0,1],"
                        + " replicated to 3 channels, resized bilinearly to 352x352",
                "five logit maps at 352x352: lateral maps 5, 4, 3, 2 and the edge map;"
                        + " infection probability = sigmoid(map 2)",
                "model.safetensors", new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    /** A descriptor for a freshly built multi-class U-Net with the original's input conventions. */
    public static ModelDescriptor create(String name, UNetConfig unet) {
        return new ModelDescriptor(FORMAT, name, null, 352, Normalisation.IMAGENET,
                unet.inChannels() + " channels at 352x352: the CT slice as for Inf-Net (8-bit gray in a lung window,"
                        + " scaled to [0,1], replicated to 3 channels) followed by the infection probability map of"
                        + " Semi-Inf-Net (min-max normalised to [0,1], replicated to 3 channels); the original"
                        + " normalises both with the same per-channel mean and std",
                unet.classes() + " logit maps at 352x352: background, ground-glass opacity, consolidation;"
                        + (unet.priorSkip() ? " the logits are the network's output plus logit(prior) for each lesion"
                                + " class and minus it for the background (priorSkip; the exported ONNX graph gives"
                                + " the network's output only);" : "")
                        + " class probability = sigmoid(logit), class = argmax",
                "model.safetensors", new LinkedHashMap<>(), new LinkedHashMap<>(), unet);
    }

    /** A copy with other provenance and validation entries. */
    public ModelDescriptor with(Map<String, String> provenance, Map<String, Double> validation) {
        return new ModelDescriptor(format, name, network, inputSize, normalisation, input, outputs, weights,
                new LinkedHashMap<>(provenance), new LinkedHashMap<>(validation), unet, engine);
    }

    /** A copy that prefers inference engine {@code e} (null: the default). */
    public ModelDescriptor withEngine(InferenceEngine e) {
        return new ModelDescriptor(format, name, network, inputSize, normalisation, input, outputs, weights,
                provenance, validation, unet, e == null ? null : e.id());
    }

    /** A copy for another network input side (e.g. a U-Net trained at 256x256). */
    public ModelDescriptor withInputSize(int side) {
        return new ModelDescriptor(format, name, network, side, normalisation, input.replace(inputSize + "x" + inputSize,
                side + "x" + side), outputs.replace(inputSize + "x" + inputSize, side + "x" + side), weights,
                provenance, validation, unet, engine);
    }

    /** Whether the weights belong to a multi-class U-Net rather than an Inf-Net. */
    public boolean isUNet() {
        return unet != null;
    }

    /** The architecture identifier of whichever network is described. */
    public String architecture() {
        return unet != null ? unet.architecture() : network.architecture();
    }

    /** The descriptor as pretty-printed JSON. */
    public String toJson() {
        return GSON.toJson(this);
    }

    /**
     * Parses and checks a descriptor.
     *
     * @param json the JSON text
     * @param source where it came from, for messages
     * @throws IOException naming {@code source} when the JSON is malformed, of another format, or
     *     describes an incomplete or unknown network
     */
    public static ModelDescriptor parse(String json, String source) throws IOException {
        ModelDescriptor d;
        try {
            d = GSON.fromJson(json, ModelDescriptor.class);
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new IOException(source + ": not a valid model descriptor (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            // a record's constructor rejected a value; Gson wraps that exception
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException(source + ": not a valid model descriptor (" + cause.getMessage() + ")", e);
        }
        if (d == null) {
            throw new IOException(source + ": empty model descriptor");
        }
        if (!FORMAT.equals(d.format())) {
            throw new IOException(source + ": descriptor format is '" + d.format() + "', expected '" + FORMAT
                    + "' (is this an Inf-Net for Fiji model folder?)");
        }
        if (d.network() != null && d.unet() != null) {
            throw new IOException(source + ": descriptor describes both an Inf-Net and a U-Net");
        }
        if (d.unet() != null) {
            UNetConfig u = d.unet();
            if (u.architecture() == null || u.inChannels() <= 0 || u.classes() <= 0 || u.base() <= 0) {
                throw new IOException(source + ": descriptor does not describe the U-Net architecture completely");
            }
            if (!u.architecture().matches(UNET_ARCHITECTURE)) {
                throw new IOException(source + ": unknown architecture '" + u.architecture() + "' for a multi-class"
                        + " U-Net (known: " + UNetConfig.PAPER.architecture() + ", " + UNetConfig.COMPACT.architecture()
                        + " and other multiclass-unet-* widths)");
            }
            if (d.inputSize() <= 0 || d.inputSize() % 16 != 0) {
                throw new IOException(source + ": input size " + d.inputSize() + " is not a positive multiple of 16");
            }
        } else {
            if (d.network() == null || d.network().backbone() == null || d.network().architecture() == null) {
                throw new IOException(source + ": descriptor does not describe the network architecture");
            }
            if (!d.network().architecture().matches(INFNET_ARCHITECTURE)) {
                throw new IOException(source + ": unknown architecture '" + d.network().architecture() + "' (known: "
                        + InfNetConfig.COMPACT.architecture() + ", " + InfNetConfig.PAPER.architecture()
                        + " and other infnet-* widths)");
            }
            if (d.inputSize() <= 0 || d.inputSize() % 32 != 0) {
                throw new IOException(source + ": input size " + d.inputSize() + " is not a positive multiple of 32");
            }
        }
        if (d.inputSize() > MAX_INPUT_SIZE) {
            throw new IOException(source + ": input size " + d.inputSize() + " is too large (at most " + MAX_INPUT_SIZE
                    + "; the network works on input size x input size slices, 352 for Inf-Net): fix \"inputSize\""
                    + " in the model's " + FILE);
        }
        Normalisation nm = d.normalisation();
        if (nm == null || nm.mean() == null || nm.std() == null || nm.mean().length != 3 || nm.std().length != 3) {
            throw new IOException(source + ": normalisation must give 3 means and 3 standard deviations");
        }
        for (int c = 0; c < 3; c++) {
            if (!Float.isFinite(nm.mean()[c]) || !(nm.std()[c] > 0) || !Float.isFinite(nm.std()[c])) {
                throw new IOException(source + ": normalisation of channel " + c + " is mean " + nm.mean()[c]
                        + ", std " + nm.std()[c] + "; means must be finite and standard deviations finite and"
                        + " positive (the input is divided by them)");
            }
        }
        if (d.engine() != null) {
            try {
                InferenceEngine.parse(d.engine());
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": " + e.getMessage());
            }
        }
        if (d.weights() == null || d.weights().isBlank()) {
            throw new IOException(source + ": descriptor names no weights file");
        }
        return d.with(d.provenance() == null ? Map.of() : d.provenance(),
                d.validation() == null ? Map.of() : d.validation());
    }
}
