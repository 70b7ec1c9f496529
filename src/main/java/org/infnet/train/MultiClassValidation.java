package org.infnet.train;

import java.util.ArrayList;
import java.util.List;
import org.infnet.eval.EvalAccumulator;
import org.infnet.eval.Summary;
import org.infnet.infer.MultiClassPredictor;
import org.infnet.infer.UnitSlice;
import org.infnet.model.NetworkModel;
import org.infnet.nn.MultiClassUNet;
import org.infnet.train.data.MultiClassSample;

/**
 * Scores a multi-class model per class with the paper's protocol: for each lesion class {@code c} (1 ..
 * classes-1), the class probability map against the binary ground truth {@code label == c} (see {@link
 * org.infnet.eval}; the same as {@code evaluate --class c} on written probability maps), plus the Dice of
 * the argmax label image's class {@code c} (empty-vs-empty counts as 1).
 */
public final class MultiClassValidation {

    /**
     * Validation scores, indexed by class (index 0, the background, is not scored and is null / NaN).
     *
     * @param summaries the paper's summary of each class's probability map
     * @param argmaxDice mean over slices of the Dice of {@code argmax == c} against {@code label == c}
     */
    public record Result(Summary[] summaries, double[] argmaxDice) {

        /** Mean of the lesion classes' meanDic (the model-selection score). */
        public double meanOfMeanDice() {
            double s = 0;
            for (int c = 1; c < summaries.length; c++) {
                s += summaries[c].meanDic();
            }
            return s / (summaries.length - 1);
        }
    }

    private MultiClassValidation() {}

    /** Scores {@code model} on {@code samples} (native sizes, priors included), {@code batch} slices at a time. */
    public static Result run(NetworkModel<MultiClassUNet> model, List<MultiClassSample> samples, int batch) {
        int classes = model.descriptor().unet().classes();
        MultiClassPredictor predictor = new MultiClassPredictor(model);
        EvalAccumulator[] acc = new EvalAccumulator[classes];
        double[] dice = new double[classes];
        for (int c = 1; c < classes; c++) {
            acc[c] = new EvalAccumulator();
        }
        for (int i = 0; i < samples.size(); i += batch) {
            List<MultiClassSample> chunk = samples.subList(i, Math.min(samples.size(), i + batch));
            List<UnitSlice> in = new ArrayList<>();
            List<float[]> priors = new ArrayList<>();
            for (MultiClassSample s : chunk) {
                in.add(new UnitSlice(s.image01(), s.width(), s.height()));
                priors.add(s.prior01());
            }
            List<float[][]> out = predictor.predict(in, priors);
            for (int k = 0; k < chunk.size(); k++) {
                MultiClassSample s = chunk.get(k);
                byte[] label = MultiClassPredictor.argmax(out.get(k));
                for (int c = 1; c < classes; c++) {
                    boolean[] gt = s.classMask(c);
                    acc[c].add(out.get(k)[c], gt, s.width(), s.height());
                    boolean[] pred = new boolean[label.length];
                    for (int p = 0; p < pred.length; p++) {
                        pred[p] = label[p] == c;
                    }
                    dice[c] += Validation.dice(pred, gt);
                }
            }
        }
        Summary[] sums = new Summary[classes];
        dice[0] = Double.NaN;
        for (int c = 1; c < classes; c++) {
            sums[c] = acc[c].summary();
            dice[c] = samples.isEmpty() ? Double.NaN : dice[c] / samples.size();
        }
        return new Result(sums, dice);
    }
}
