package org.infnet.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.InfNetConfig;
import org.infnet.train.data.InfNetDataset;
import org.infnet.train.data.Sample;

/**
 * A complete training run as the CLI and the Fiji command start it: read the datasets, hold out the
 * validation slices, build (or load) the network, train, and leave the output folder of {@link
 * InfNetTrainer}.
 *
 * @param dataRoots training folders in the Inf-Net layout; the first is the doctor-labelled one
 * @param validationRoot a separate validation folder, or null to hold slices out of the first root
 * @param validationCount slices held out of the first root when {@code validationRoot} is null: the
 *     last ones in natural name order (neighbouring slice numbers tend to come from one patient, so a
 *     contiguous block keeps patients mostly on one side)
 * @param firstRootRepeat how many times the first root's training slices appear per epoch (weights the
 *     doctor labels against a large pseudo-labelled set; 1 = plain union)
 * @param network architecture (ignored when {@code initFrom} is given)
 * @param train hyper-parameters
 * @param output output folder (resumes from its checkpoint when present)
 * @param initFrom a model folder to start from (fine-tuning), or null for random initialisation
 * @param device "cpu" or "gpu"
 * @param name model name written to descriptors
 */
public record TrainingJob(List<Path> dataRoots, Path validationRoot, int validationCount, int firstRootRepeat,
        InfNetConfig network, TrainConfig train, Path output, Path initFrom, String device, String name) {

    /**
     * The samples of a job.
     *
     * @param training training samples at the training size, the first root's repeated
     * @param validation validation samples at their native sizes
     */
    record Data(List<Sample> training, List<Sample> validation) {}

    /** Runs the job to the end (or cancellation) and returns the history. */
    public List<EpochLog> run(TrainingListener listener) throws IOException {
        Data data = load(listener);
        List<Sample> training = data.training();
        List<Sample> validation = data.validation();
        org.infnet.engine.EngineSetup.ensure();
        Engine.getInstance().setRandomSeed((int) train.seed());
        Device dev = "gpu".equalsIgnoreCase(device) ? Device.gpu() : Device.cpu();
        try (NetworkModel<InfNet> model = initFrom != null
                ? ModelKind.INFNET.load(initFrom, dev)
                : ModelKind.INFNET.create(ModelDescriptor.create(name, network).with(
                        Map.of("trainingData", dataRoots.toString()), Map.of()), dev)) {
            return new InfNetTrainer(model, train, training, validation, output, listener).run();
        }
    }

    /**
     * The number of slices a validation fraction holds out of {@code firstRoot}: {@code round(fraction * n)},
     * at least 1 and at most n - 1.
     *
     * @throws IllegalArgumentException if {@code fraction} is not in (0, 1)
     */
    public static int heldOutCount(Path firstRoot, double fraction) throws IOException {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), not " + fraction);
        }
        int n = InfNetDataset.open(firstRoot).names().size();
        if (n < 2) {
            throw new IOException(firstRoot + ": " + n + " slice(s), too few to hold any out for validation");
        }
        return (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
    }

    /** Reads the data roots and holds out the validation slices (see the record's parameters). */
    Data load(TrainingListener listener) throws IOException {
        List<Sample> validation = new ArrayList<>();
        List<Sample> training = new ArrayList<>();
        for (int r = 0; r < dataRoots.size(); r++) {
            InfNetDataset ds = nonEmpty(dataRoots.get(r));
            List<String> names = new ArrayList<>(ds.names());
            names.sort(naturalOrder());
            List<String> held = List.of();
            if (r == 0 && validationRoot == null && validationCount > 0) {
                if (validationCount >= names.size()) {
                    throw new IOException(dataRoots.get(0) + ": cannot hold out " + validationCount
                            + " validation slices from " + names.size());
                }
                held = new ArrayList<>(names.subList(names.size() - validationCount, names.size()));
                names.removeAll(held);
                validation.addAll(ds.load(held));
            }
            List<Sample> loaded = new ArrayList<>();
            for (Sample s : ds.load(names)) {
                loaded.add(s.resizedTo(train.trainSize()));
            }
            int repeat = r == 0 ? Math.max(1, firstRootRepeat) : 1;
            for (int k = 0; k < repeat; k++) {
                training.addAll(loaded);
            }
            listener.onMessage(dataRoots.get(r) + ": " + loaded.size() + " training slices" + (repeat > 1 ? " (x" + repeat + ")" : "")
                    + (held.isEmpty() ? "" : ", " + held.size() + " held out for validation: " + held));
        }
        if (validationRoot != null) {
            InfNetDataset vds = nonEmpty(validationRoot);
            validation.addAll(vds.load(vds.names()));
        }
        return new Data(training, validation);
    }

    /** Opens a data root that must hold at least one sample. */
    private static InfNetDataset nonEmpty(Path root) throws IOException {
        InfNetDataset ds = InfNetDataset.open(root);
        if (ds.size() == 0) {
            throw new IOException("Data set root " + root + " holds no samples (Imgs/ has no "
                    + String.join("/", InfNetDataset.IMAGE_EXTENSIONS) + " images)");
        }
        return ds;
    }

    /** Orders names with embedded numbers numerically ("2" before "10"). */
    static Comparator<String> naturalOrder() {
        return (a, b) -> {
            String[] pa = a.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)");
            String[] pb = b.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)");
            for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
                int c = pa[i].matches("\\d+") && pb[i].matches("\\d+")
                        ? new java.math.BigInteger(pa[i]).compareTo(new java.math.BigInteger(pb[i]))
                        : pa[i].compareTo(pb[i]);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(pa.length, pb.length);
        };
    }
}
