package org.infnet.infer;

import java.util.ArrayList;
import java.util.List;
import org.infnet.model.InferenceEngine;
import org.infnet.model.NetworkModel;
import org.infnet.model.PriorSource;
import org.infnet.nn.InfNet;

/**
 * The infection prior of the multi-class pipeline, made by an Inf-Net model: the raw infection probability
 * {@code sigmoid(map 2)} at the slice's size.
 *
 * <p>Deviation from the original, deliberate: the original feeds the multi-class U-Net Semi-Inf-Net's map
 * min-max normalised per slice (its test script saves {@code (res - min) / (max - min)}); on a slice without
 * infection that stretches noise to [0,1]. The raw probability is used here, at training and at inference
 * alike, so the network sees the same kind of prior in both. Does not own the model.
 */
public final class InfectionPrior implements PriorSource {

    private final SlicePredictor predictor;

    /** Priors from {@code model} on PyTorch. */
    public InfectionPrior(NetworkModel<InfNet> model) {
        this.predictor = new SlicePredictor(model);
    }

    /** Priors from {@code model} on {@code engine}. */
    public InfectionPrior(NetworkModel<InfNet> model, InferenceEngine engine) {
        this.predictor = new SlicePredictor(model, engine);
    }

    /** Priors of a batch of slices. */
    public List<float[]> priors(List<UnitSlice> slices) {
        List<float[]> out = new ArrayList<>();
        for (SlicePrediction p : predictor.predict(slices, false)) {
            out.add(p.probability());
        }
        return out;
    }

    @Override
    public float[] prior(String name, float[] image01, int width, int height) {
        return priors(List.of(new UnitSlice(image01, width, height))).get(0);
    }
}
