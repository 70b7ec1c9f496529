package org.infnet.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import org.infnet.io.Resampling;
import org.infnet.model.Engines;
import org.infnet.model.InfNetModel;
import org.infnet.model.InputEncoder;

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
        Engines.disableGradientRecording();
        List<float[]> inputs = new ArrayList<>(batch.size());
        for (UnitSlice s : batch) {
            inputs.add(Resampling.bilinear(s.pixels(), s.width(), s.height(), side, side));
        }
        float[] prob;
        float[] edge = null;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = encoder.encode(m, inputs, side);
            NDList out = model.net().segment(model.parameterStore(m), x, edges);
            prob = Activation.sigmoid(out.get(0)).toFloatArray();
            if (edges) {
                edge = Activation.sigmoid(out.get(1)).toFloatArray();
            }
        }
        List<SlicePrediction> result = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            UnitSlice s = batch.get(b);
            result.add(new SlicePrediction(s.width(), s.height(), back(prob, b, s), edge == null ? null : back(edge, b, s)));
        }
        return result;
    }

    /** Map {@code b} of a batch's {@code maps}, resized back to slice {@code s}'s size. */
    private float[] back(float[] maps, int b, UnitSlice s) {
        float[] one = new float[side * side];
        System.arraycopy(maps, b * one.length, one, 0, one.length);
        return Resampling.bilinear(one, side, side, s.width(), s.height());
    }
}
