package org.infnet.train;

import java.util.ArrayList;
import java.util.List;
import org.infnet.eval.EvalAccumulator;
import org.infnet.eval.Summary;
import org.infnet.infer.SlicePrediction;
import org.infnet.infer.SlicePredictor;
import org.infnet.infer.UnitSlice;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.train.data.Sample;

/**
 * Scores a model on labelled slices with the paper's protocol (prediction resized to the label's
 * size; see {@link org.infnet.eval}), plus the Dice of the raw probability thresholded at 0.5.
 */
public final class Validation {

    /**
     * Validation scores.
     *
     * @param summary the paper's summary (meanDic, Sm, MAE, ...)
     * @param dice05 mean Dice over slices of {@code probability >= 0.5} (empty-vs-empty counts as 1)
     */
    public record Result(Summary summary, double dice05) {}

    private Validation() {}

    /** Scores {@code model} on {@code samples} (at their native sizes), {@code batch} slices at a time. */
    public static Result run(NetworkModel<InfNet> model, List<Sample> samples, int batch) {
        SlicePredictor predictor = new SlicePredictor(model);
        EvalAccumulator acc = new EvalAccumulator();
        double diceSum = 0;
        for (int i = 0; i < samples.size(); i += batch) {
            List<Sample> chunk = samples.subList(i, Math.min(samples.size(), i + batch));
            List<UnitSlice> in = new ArrayList<>();
            for (Sample s : chunk) {
                in.add(new UnitSlice(s.image01(), s.width(), s.height()));
            }
            List<SlicePrediction> out = predictor.predict(in);
            for (int k = 0; k < chunk.size(); k++) {
                Sample s = chunk.get(k);
                boolean[] gt = new boolean[s.mask01().length];
                for (int p = 0; p < gt.length; p++) {
                    gt[p] = s.mask01()[p] > 0.5f;
                }
                acc.add(out.get(k).probability(), gt, s.width(), s.height());
                diceSum += dice(out.get(k).mask(0.5), gt);
            }
        }
        return new Result(acc.summary(), samples.isEmpty() ? Double.NaN : diceSum / samples.size());
    }

    /** Dice of two binary masks; 1 when both are empty. */
    public static double dice(boolean[] a, boolean[] b) {
        long inter = 0;
        long sa = 0;
        long sb = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i]) {
                sa++;
            }
            if (b[i]) {
                sb++;
                if (a[i]) {
                    inter++;
                }
            }
        }
        return sa + sb == 0 ? 1 : 2.0 * inter / (sa + sb);
    }
}
