package org.infnet.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.infnet.io.Resampling;
import org.infnet.engine.EngineSetup;
import org.infnet.model.Engines;
import org.infnet.model.InfNetModel;
import org.infnet.model.InputEncoder;
import org.infnet.nn.EngineArrays;

/**
 * Runs an {@link InfNetModel} on batches of windowed slices: each slice is resized (bilinear) to the
 * model's input size, encoded, passed through the network in evaluation mode, and its probability and
 * edge maps are resized back to the slice's own size. All native memory of a batch is released
 * before {@link #predict} returns. Does not own the model.
 */
public final class SlicePredictor implements InfectionSegmenter.BatchPredictor {

    private final InfNetModel model;
    private final InputEncoder encoder;
    private final int side;

    /** A predictor over {@code model}. */
    public SlicePredictor(InfNetModel model) {
        this.model = model;
        this.encoder = new InputEncoder(model.descriptor().normalisation());
        this.side = model.descriptor().inputSize();
    }

    /** Predicts one batch (any size; the caller chooses it to bound memory), with the edge maps. */
    @Override
    public List<SlicePrediction> predict(List<UnitSlice> batch) {
        return predict(batch, true);
    }

    /**
     * Predicts one batch; without {@code edges} the predictions' edge maps are null (not copied out of the engine
     * nor resized back).
     */
    @Override
    public List<SlicePrediction> predict(List<UnitSlice> batch, boolean edges) {
        if (batch.size() > 1 && EngineSetup.singleSliceInference()) {
            List<SlicePrediction> result = new ArrayList<>(batch.size());
            for (UnitSlice s : batch) {
                result.addAll(predict(List.of(s), edges));
            }
            return result;
        }
        Engines.disableGradientRecording();
        List<float[]> inputs = new ArrayList<>(batch.size());
        for (UnitSlice s : batch) {
            inputs.add(Resampling.bilinear(s.pixels(), s.width(), s.height(), side, side));
        }
        List<SlicePrediction> result = new ArrayList<>(batch.size());
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = encoder.encode(m, inputs, side);
            NDList out = model.net().segment(model.parameterStore(m), x, edges);
            FloatBuffer prob = EngineArrays.view(Activation.sigmoid(out.get(0)));
            FloatBuffer edge = edges ? EngineArrays.view(Activation.sigmoid(out.get(1))) : null;
            for (UnitSlice s : batch) {
                result.add(new SlicePrediction(s.width(), s.height(), back(prob, s),
                        edge == null ? null : back(edge, s)));
            }
        }
        return result;
    }

    /** The next map of a batch's {@code maps}, resized back to slice {@code s}'s size. */
    private float[] back(FloatBuffer maps, UnitSlice s) {
        float[] one = new float[side * side];
        maps.get(one);
        return Resampling.bilinear(one, side, side, s.width(), s.height());
    }
}
