package org.infnet.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.infnet.image.Resampling;
import org.infnet.engine.EngineSetup;
import org.infnet.model.Engines;
import org.infnet.model.InferenceEngine;
import java.io.UncheckedIOException;
import org.infnet.model.NetworkModel;
import org.infnet.model.UNetInput;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;
import org.infnet.onnx.OnnxNetwork;

/**
 * Runs a {@link NetworkModel} of a multi-class U-Net on batches of windowed slices with their infection priors (given, or made by the
 * infection model, {@link InfectionPrior}, as the paper's multi-class pipeline does): slice and prior
 * are resized (bilinear) to the model's input size and encoded ({@link UNetInput#encode}), the
 * network runs in evaluation mode, and each class probability {@code sigmoid(logit)} (the original trains
 * one sigmoid + BCE per class) is resized back to the slice's size. Does not own the model; releases all
 * native memory of a batch before returning.
 */
public final class MultiClassPredictor implements Predictor<ClassPrediction> {

    private final NetworkModel<MultiClassUNet> model;
    private final int side;
    private final int classes;

    private final boolean onnx;
    /** Makes the priors of {@link #predict(List)}, or null when the caller gives them. */
    private final InfectionPrior prior;

    /** A predictor over {@code model} on PyTorch, which sees weights changed later (training's validation). */
    public MultiClassPredictor(NetworkModel<MultiClassUNet> model) {
        this(model, InferenceEngine.PYTORCH);
    }

    /**
     * A predictor over {@code model} on {@code engine} (for ONNX Runtime the model's session is opened now,
     * {@link NetworkModel#onnx}, and asked for again per batch, so weights set later are run too).
     *
     * @throws UncheckedIOException when the ONNX model cannot be made or loaded
     */
    public MultiClassPredictor(NetworkModel<MultiClassUNet> model, InferenceEngine engine) {
        this((InfectionPrior) null, model, engine);
    }

    /**
     * A predictor whose priors are made by {@code infection} (not owned), both networks on {@code engine}.
     *
     * @throws UncheckedIOException when the ONNX model cannot be made or loaded
     */
    public MultiClassPredictor(NetworkModel<InfNet> infection, NetworkModel<MultiClassUNet> model, InferenceEngine engine) {
        this(new InfectionPrior(infection, engine), model, engine);
    }

    private MultiClassPredictor(InfectionPrior prior, NetworkModel<MultiClassUNet> model, InferenceEngine engine) {
        this.prior = prior;
        this.model = model;
        this.side = model.descriptor().inputSize();
        this.classes = model.descriptor().unet().classes();
        this.onnx = engine == InferenceEngine.ONNX;
        if (onnx) {
            SlicePredictor.session(model); // opened now: a model that cannot be exported fails here
        }
    }

    /**
     * The class probabilities of each slice and the infection prior they were computed from.
     *
     * @throws IllegalStateException when this predictor was made without an infection model
     */
    @Override
    public List<ClassPrediction> predict(List<UnitSlice> batch) {
        if (prior == null) {
            throw new IllegalStateException("this predictor has no infection model to make the priors");
        }
        List<float[]> priors = prior.priors(batch);
        List<float[][]> maps = predict(batch, priors);
        List<ClassPrediction> out = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            UnitSlice s = batch.get(b);
            out.add(new ClassPrediction(s.width(), s.height(), maps.get(b), priors.get(b)));
        }
        return out;
    }

    /**
     * Class probabilities of each slice: {@code result.get(b)[c]} is class {@code c}'s probability map at the
     * slice's size.
     *
     * @param priors one infection prior in [0,1] per slice, at the slice's size
     */
    public List<float[][]> predict(List<UnitSlice> slices, List<float[]> priors) {
        if (slices.size() != priors.size()) {
            throw new IllegalArgumentException(slices.size() + " slices but " + priors.size() + " priors");
        }
        if (slices.size() > 1 && !onnx && EngineSetup.singleSliceInference()) {
            List<float[][]> out = new ArrayList<>(slices.size());
            for (int b = 0; b < slices.size(); b++) {
                out.addAll(predict(List.of(slices.get(b)), List.of(priors.get(b))));
            }
            return out;
        }
        List<float[]> x = new ArrayList<>();
        List<float[]> p = new ArrayList<>();
        for (int b = 0; b < slices.size(); b++) {
            UnitSlice s = slices.get(b);
            if (priors.get(b).length != s.pixels().length) {
                throw new IllegalArgumentException("prior " + b + " has " + priors.get(b).length + " values, slice has "
                        + s.pixels().length);
            }
            x.add(Resampling.bilinear(s.pixels(), s.width(), s.height(), side, side));
            p.add(Resampling.bilinear(priors.get(b), s.width(), s.height(), side, side));
        }
        float[] prob = onnx ? onnx(x, p) : pytorch(x, p);
        int plane = side * side;
        List<float[][]> out = new ArrayList<>();
        for (int b = 0; b < slices.size(); b++) {
            UnitSlice s = slices.get(b);
            float[][] c = new float[classes][];
            for (int k = 0; k < classes; k++) {
                float[] map = new float[plane];
                System.arraycopy(prob, (b * classes + k) * plane, map, 0, plane);
                c[k] = Resampling.bilinear(map, side, side, s.width(), s.height());
            }
            out.add(c);
        }
        return out;
    }

    /** The forward pass on PyTorch: class probabilities, (B, classes, side, side) row-major. */
    private float[] pytorch(List<float[]> x, List<float[]> p) {
        Engines.disableGradientRecording();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray logits = UNetInput.logits(model, m, UNetInput.encode(model.descriptor(), m, x, p, side));
            return Activation.sigmoid(logits).toFloatArray();
        }
    }

    /**
     * The forward pass on ONNX Runtime: the exported network's logits (plus the prior-skip term, which the
     * exported graph leaves out) through the same sigmoid.
     */
    private float[] onnx(List<float[]> x, List<float[]> p) {
        float[] values = UNetInput.values(model.descriptor(), x, p, side);
        FloatBuffer in = OnnxNetwork.directFloats(values.length);
        in.put(values).flip();
        float[] logits = SlicePredictor.session(model).run(in, new long[] {x.size(), model.descriptor().unet().inChannels(), side, side},
                "logits")[0];
        if (model.descriptor().unet().priorSkip()) {
            float[] term = UNetInput.priorSkip(model.descriptor(), values, x.size(), side * side);
            for (int i = 0; i < logits.length; i++) {
                logits[i] += term[i];
            }
        }
        return SlicePredictor.sigmoid(logits).array();
    }

    /** Per pixel the class of highest probability (the first on ties), as the original's argmax. */
    public static byte[] argmax(float[][] probabilities) {
        int n = probabilities[0].length;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bv = probabilities[0][i];
            for (int k = 1; k < probabilities.length; k++) {
                if (probabilities[k][i] > bv) {
                    bv = probabilities[k][i];
                    best = k;
                }
            }
            out[i] = (byte) best;
        }
        return out;
    }
}
