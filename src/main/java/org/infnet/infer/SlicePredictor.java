package org.infnet.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.infnet.image.Resampling;
import org.infnet.engine.EngineSetup;
import org.infnet.model.Engines;
import org.infnet.model.InferenceEngine;
import org.infnet.model.InputEncoder;
import org.infnet.model.NetworkModel;
import org.infnet.nn.EngineArrays;
import org.infnet.nn.InfNet;
import org.infnet.onnx.OnnxNetwork;

/**
 * Runs a {@link NetworkModel} of an Inf-Net on batches of windowed slices: each slice is resized (bilinear) to the
 * model's input size, encoded, passed through the network in evaluation mode on the chosen {@link InferenceEngine}
 * (the network's forward pass is the one strategy that differs: PyTorch on the frozen weights, or ONNX Runtime on
 * the exported network, the same values within 1e-4), and its probability and edge maps are resized back to the
 * slice's own size. All native memory of a batch is released before {@link #predict} returns. Does not own the
 * model.
 */
public final class SlicePredictor implements Predictor<SlicePrediction> {

    /** The network's forward pass on an engine: the probability maps (and edge maps) of a batch, row-major. */
    private interface Network {
        /**
         * {@code [probabilities, edges or null]}, each (B, side, side) values in [0,1], valid until {@code batch}
         * (the batch's native memory on the PyTorch side) closes.
         */
        FloatBuffer[] run(List<float[]> inputs, boolean edges, NDManager batch);
    }

    private final NetworkModel<InfNet> model;
    private final InputEncoder encoder;
    private final int side;
    private final InferenceEngine engine;
    private final Network network;
    /** Whether {@link #predict(List)} gives the edge maps. */
    private final boolean edges;

    /**
     * A predictor over {@code model} on PyTorch, which sees weights changed later (training's validation uses
     * this).
     */
    public SlicePredictor(NetworkModel<InfNet> model) {
        this(model, InferenceEngine.PYTORCH);
    }

    /**
     * A predictor over {@code model} on {@code engine}. For ONNX Runtime the model's ONNX session is opened now
     * ({@link NetworkModel#onnx}) and asked for again per batch, so weights set later are run too.
     *
     * @throws UncheckedIOException when the ONNX model cannot be made or loaded
     */
    public SlicePredictor(NetworkModel<InfNet> model, InferenceEngine engine) {
        this(model, engine, true);
    }

    /**
     * A predictor over {@code model} on {@code engine} whose {@link #predict(List)} gives the edge maps only when
     * {@code edges} is true.
     *
     * @throws UncheckedIOException when the ONNX model cannot be made or loaded
     */
    public SlicePredictor(NetworkModel<InfNet> model, InferenceEngine engine, boolean edges) {
        this.model = model;
        this.edges = edges;
        this.encoder = new InputEncoder(model.descriptor().normalisation());
        this.side = model.descriptor().inputSize();
        this.engine = engine;
        if (engine == InferenceEngine.ONNX) {
            session(model);
            network = (inputs, withEdges, batch) -> onnx(session(model), inputs, withEdges);
        } else {
            network = this::pytorch;
        }
    }

    /** The model's ONNX session. */
    static OnnxNetwork session(org.infnet.model.NetworkModel<?> model) {
        try {
            return model.onnx();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The engine this predictor runs on. */
    public InferenceEngine engine() {
        return engine;
    }

    /**
     * Predicts one batch (any size; the caller chooses it to bound memory), with the edge maps when this predictor
     * was made with them.
     */
    @Override
    public List<SlicePrediction> predict(List<UnitSlice> batch) {
        return predict(batch, edges);
    }

    /**
     * Predicts one batch; without {@code edges} the predictions' edge maps are null (not copied out of the engine
     * nor resized back).
     */
    public List<SlicePrediction> predict(List<UnitSlice> batch, boolean edges) {
        if (batch.size() > 1 && engine == InferenceEngine.PYTORCH && EngineSetup.singleSliceInference()) {
            List<SlicePrediction> result = new ArrayList<>(batch.size());
            for (UnitSlice s : batch) {
                result.addAll(predict(List.of(s), edges));
            }
            return result;
        }
        List<float[]> inputs = new ArrayList<>(batch.size());
        for (UnitSlice s : batch) {
            inputs.add(Resampling.bilinear(s.pixels(), s.width(), s.height(), side, side));
        }
        List<SlicePrediction> result = new ArrayList<>(batch.size());
        try (NDManager m = model.manager().newSubManager()) {
            FloatBuffer[] maps = network.run(inputs, edges, m);
            FloatBuffer prob = maps[0];
            FloatBuffer edge = edges ? maps[1] : null;
            for (UnitSlice s : batch) {
                result.add(new SlicePrediction(s.width(), s.height(), back(prob, s),
                        edge == null ? null : back(edge, s)));
            }
        }
        return result;
    }

    /** The PyTorch pass: the maps are views of arrays in {@code m}, valid until it closes. */
    private FloatBuffer[] pytorch(List<float[]> inputs, boolean edges, NDManager m) {
        Engines.disableGradientRecording();
        NDArray x = encoder.encode(m, inputs, side);
        NDList out = model.net().segment(model.parameterStore(m), x, edges);
        FloatBuffer prob = EngineArrays.view(Activation.sigmoid(out.get(0)));
        FloatBuffer edge = edges ? EngineArrays.view(Activation.sigmoid(out.get(1))) : null;
        return new FloatBuffer[] {prob, edge};
    }

    /** The ONNX Runtime pass: the exported network's logits, through the same sigmoid. */
    private FloatBuffer[] onnx(OnnxNetwork onnx, List<float[]> inputs, boolean edges) {
        FloatBuffer x = encoder.encode(inputs, side);
        long[] shape = {inputs.size(), 3, side, side};
        float[][] out = edges ? onnx.run(x, shape, "map2", "edge") : onnx.run(x, shape, "map2");
        return new FloatBuffer[] {sigmoid(out[0]), edges ? sigmoid(out[1]) : null};
    }

    /** {@code 1 / (1 + exp(-v))} in place, as a buffer. */
    static FloatBuffer sigmoid(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (1.0 / (1.0 + Math.exp(-v[i])));
        }
        return FloatBuffer.wrap(v);
    }

    /** The next map of a batch's {@code maps}, resized back to slice {@code s}'s size. */
    private float[] back(FloatBuffer maps, UnitSlice s) {
        float[] one = new float[side * side];
        maps.get(one);
        return Resampling.bilinear(one, side, side, s.width(), s.height());
    }
}
