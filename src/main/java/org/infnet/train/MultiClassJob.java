package org.infnet.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infnet.infer.InfectionPrior;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.ModelLocator;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;
import org.infnet.nn.UNetConfig;
import org.infnet.train.data.MultiClassDataset;
import org.infnet.train.data.MultiClassSample;
import org.infnet.model.PriorSource;

/**
 * A complete multi-class training run as the CLI starts it: read the data set, make the infection priors,
 * hold out the validation slices, build (or load) the U-Net and train it ({@link MultiClassTrainer}).
 *
 * @param data a folder in the {@code MultiClassInfection-Train} layout ({@link MultiClassDataset})
 * @param validationCount slices held out for validation: the last ones in natural name order (as {@link
 *     TrainingJob} holds them out, so the same slices are held out of the doctor-labelled infection set)
 * @param priorModel the infection model (name or folder) that makes the priors of every slice, training and
 *     validation alike; {@code null} to read {@code data/Prior/} instead (see {@link PriorSource#folder})
 * @param network U-Net architecture (ignored when {@code initFrom} is given)
 * @param train hyper-parameters; {@code train.trainSize()} becomes the model's input size
 * @param optimiser optimiser
 * @param momentum SGD momentum
 * @param output output folder (resumes from its checkpoint when present)
 * @param initFrom a U-Net model folder to start from, or null
 * @param device "cpu" or "gpu"
 * @param name model name written to descriptors
 */
public record MultiClassJob(Path data, int validationCount, String priorModel, UNetConfig network,
        TrainConfig train, Optimiser.Kind optimiser, float momentum, Path output, Path initFrom, String device,
        String name) {

    /** Runs the job to the end (or cancellation). */
    public void run(TrainingListener listener) throws IOException {
        Device dev = "gpu".equalsIgnoreCase(device) ? Device.gpu() : Device.cpu();
        MultiClassDataset ds = MultiClassDataset.open(data, network.classes());
        List<String> names = new ArrayList<>(ds.names());
        names.sort(TrainingJob.naturalOrder());
        if (validationCount < 0 || validationCount >= names.size()) {
            throw new IOException(data + ": cannot hold out " + validationCount + " validation slices from " + names.size());
        }
        List<String> held = new ArrayList<>(names.subList(names.size() - validationCount, names.size()));
        names.removeAll(held);
        List<MultiClassSample> training = new ArrayList<>();
        List<MultiClassSample> validation;
        long t0 = System.nanoTime();
        if (priorModel == null) {
            PriorSource p = PriorSource.folder(data.resolve("Prior"));
            for (MultiClassSample s : ds.load(names, p)) {
                training.add(s.resizedTo(train.trainSize()));
            }
            validation = ds.load(held, p);
        } else {
            try (NetworkModel<InfNet> inf = ModelLocator.open(ModelKind.INFNET, priorModel, dev)) {
                inf.freeze();
                InfectionPrior p = new InfectionPrior(inf);
                for (MultiClassSample s : ds.load(names, p)) {
                    training.add(s.resizedTo(train.trainSize()));
                }
                validation = ds.load(held, p);
            }
        }
        listener.onMessage(String.format(java.util.Locale.ROOT,
                "%s: %d training slices, %d held out for validation %s; priors from %s in %.1f s", data,
                training.size(), held.size(), held, priorModel == null ? data.resolve("Prior") : priorModel,
                (System.nanoTime() - t0) / 1e9));
        org.infnet.engine.EngineSetup.ensure();
        Engine.getInstance().setRandomSeed((int) train.seed());
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("trainingData", data.toString());
        prov.put("prior", priorModel == null ? "image folder " + data.resolve("Prior")
                : "infection model " + priorModel + " (raw sigmoid probability)");
        try (NetworkModel<MultiClassUNet> model = initFrom != null
                ? ModelKind.UNET.load(initFrom, dev)
                : ModelKind.UNET.create(ModelDescriptor.create(name, network).withInputSize(train.trainSize())
                        .with(prov, Map.of()), dev)) {
            new MultiClassTrainer(model, train, optimiser, momentum, training, validation, output, listener).run();
        }
    }
}
