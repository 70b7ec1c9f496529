package org.infnet.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.infnet.model.NetworkModel;
import org.infnet.train.data.InfNetDataset;
import org.infnet.train.data.TrainingSample;
import org.infnet.train.data.TrainingSet;

/**
 * A complete training run as the CLI and the Fiji commands start it, for any network: read the data roots, hold
 * out the validation slices, build (or load) the network, and train it with its {@link Objective} in the one
 * {@link Trainer}, leaving the trainer's output folder. Built with {@link #builder}; what differs between
 * networks (how samples are read, how a model is made, what it learns) is its {@link Network}: {@link
 * InfNetObjective#network} and {@link MultiClassObjective#network}.
 *
 * <p>Data roots: the first is the doctor-labelled one. Without a {@link Builder#validationRoot validation
 * root}, the last {@link Builder#validationCount} slices of the first root in natural name order are held out
 * (neighbouring slice numbers tend to come from one patient, so a contiguous block keeps patients mostly on one
 * side) and never trained on. The first root's training slices appear {@link Builder#firstRootRepeat} times per
 * epoch (weights the doctor labels against a large pseudo-labelled set). Training slices are resized to the
 * training size; validation slices keep their native sizes.
 *
 * @param <S> training sample
 */
public final class TrainingJob<S extends TrainingSample<S>> {

    /**
     * What a job needs to know of one kind of network.
     *
     * @param <M> the model class
     * @param <S> its training sample
     */
    public interface Network<M extends NetworkModel<?>, S extends TrainingSample<S>> {

        /**
         * Opens what reading the samples needs (the multi-class network's prior model); closed once every root
         * is read.
         */
        Reader<S> reader(Device device, TrainingListener listener) throws IOException;

        /** Reads data roots; closing it releases what it holds. */
        interface Reader<S extends TrainingSample<S>> extends AutoCloseable {

            /** Indexes one data root. */
            TrainingSet<S> open(Path root) throws IOException;

            @Override
            default void close() throws IOException {}
        }

        /** A new model with random weights for {@code job}, its provenance naming the data. */
        M create(TrainingJob<S> job, Device device);

        /** A model to start from (fine-tuning). */
        M load(Path folder, Device device) throws IOException;

        /** What {@code model} learns. */
        Objective<S, ?> objective(M model);
    }

    /**
     * The samples of a job.
     *
     * @param training training samples at the training size, the first root's repeated
     * @param validation validation samples at their native sizes
     */
    record Data<S>(List<S> training, List<S> validation) {}

    private final Network<?, S> network;
    private final List<Path> dataRoots;
    private final Path validationRoot;
    private final int validationCount;
    private final int firstRootRepeat;
    private final TrainConfig train;
    private final Path output;
    private final Path initFrom;
    private final String device;
    private final String name;

    private TrainingJob(Builder<S> b) {
        this.network = Objects.requireNonNull(b.network, "network");
        this.dataRoots = List.copyOf(b.dataRoots);
        this.validationRoot = b.validationRoot;
        this.validationCount = b.validationCount;
        this.firstRootRepeat = b.firstRootRepeat;
        this.train = Objects.requireNonNull(b.train, "training configuration");
        this.output = Objects.requireNonNull(b.output, "output folder");
        this.initFrom = b.initFrom;
        this.device = b.device;
        this.name = Objects.requireNonNull(b.name, "model name");
        if (dataRoots.isEmpty()) {
            throw new IllegalArgumentException("a training job needs at least one data root");
        }
    }

    /** A builder of a job training a network of {@code network}'s kind. */
    public static <S extends TrainingSample<S>> Builder<S> builder(Network<?, S> network) {
        return new Builder<>(network);
    }

    /** The data roots, the first the doctor-labelled one. */
    public List<Path> dataRoots() {
        return dataRoots;
    }

    /** The hyper-parameters. */
    public TrainConfig train() {
        return train;
    }

    /** The model name written to descriptors. */
    public String name() {
        return name;
    }

    /**
     * Runs the job to the end (or cancellation).
     *
     * @return the {@code history.csv} rows of the output folder, without the header (see {@link Trainer#run})
     */
    public List<String> run(TrainingListener listener) throws IOException {
        return run(network, listener);
    }

    private <M extends NetworkModel<?>> List<String> run(Network<M, S> net, TrainingListener listener)
            throws IOException {
        Data<S> data = load(listener);
        org.infnet.engine.EngineSetup.ensure();
        Engine.getInstance().setRandomSeed((int) train.seed());
        Device dev = device();
        try (M model = initFrom != null ? net.load(initFrom, dev) : net.create(this, dev)) {
            return train(net.objective(model), data, listener);
        }
    }

    private <V> List<String> train(Objective<S, V> objective, Data<S> data, TrainingListener listener)
            throws IOException {
        return new Trainer<>(objective, train, data.training(), data.validation(), output, listener).run();
    }

    private Device device() {
        return "gpu".equalsIgnoreCase(device) ? Device.gpu() : Device.cpu();
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

    /** Reads the data roots and holds out the validation slices (see the class description). */
    Data<S> load(TrainingListener listener) throws IOException {
        List<S> validation = new ArrayList<>();
        List<S> training = new ArrayList<>();
        try (Network.Reader<S> reader = network.reader(device(), listener)) {
            for (int r = 0; r < dataRoots.size(); r++) {
                TrainingSet<S> ds = nonEmpty(reader, dataRoots.get(r));
                List<String> names = new ArrayList<>(ds.names());
                names.sort(naturalOrder());
                List<String> held = List.of();
                if (r == 0 && validationRoot == null && validationCount != 0) {
                    if (validationCount < 0 || validationCount >= names.size()) {
                        throw new IOException(dataRoots.get(0) + ": cannot hold out " + validationCount
                                + " validation slices from " + names.size());
                    }
                    held = new ArrayList<>(names.subList(names.size() - validationCount, names.size()));
                    names.removeAll(held);
                    validation.addAll(ds.load(held));
                }
                List<S> loaded = new ArrayList<>();
                for (S s : ds.load(names)) {
                    loaded.add(s.resizedTo(train.trainSize()));
                }
                int repeat = r == 0 ? Math.max(1, firstRootRepeat) : 1;
                for (int k = 0; k < repeat; k++) {
                    training.addAll(loaded);
                }
                listener.onMessage(dataRoots.get(r) + ": " + loaded.size() + " training slices"
                        + (repeat > 1 ? " (x" + repeat + ")" : "")
                        + (held.isEmpty() ? "" : ", " + held.size() + " held out for validation: " + held));
            }
            if (validationRoot != null) {
                TrainingSet<S> vds = nonEmpty(reader, validationRoot);
                validation.addAll(vds.load(vds.names()));
            }
        }
        return new Data<>(training, validation);
    }

    /** Opens a data root that must hold at least one sample. */
    private static <S extends TrainingSample<S>> TrainingSet<S> nonEmpty(Network.Reader<S> reader, Path root)
            throws IOException {
        TrainingSet<S> ds = reader.open(root);
        if (ds.names().isEmpty()) {
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

    /**
     * Builds a {@link TrainingJob}. Required: {@link #data}, {@link #train}, {@link #output} and {@link #name};
     * defaults: no validation, first root once, random initialisation, CPU.
     *
     * @param <S> training sample
     */
    public static final class Builder<S extends TrainingSample<S>> {

        private final Network<?, S> network;
        private List<Path> dataRoots = List.of();
        private Path validationRoot;
        private int validationCount;
        private int firstRootRepeat = 1;
        private TrainConfig train;
        private Path output;
        private Path initFrom;
        private String device = "cpu";
        private String name;

        private Builder(Network<?, S> network) {
            this.network = network;
        }

        /** Training folders; the first is the doctor-labelled one. */
        public Builder<S> data(List<Path> roots) {
            this.dataRoots = List.copyOf(roots);
            return this;
        }

        /** One training folder. */
        public Builder<S> data(Path root) {
            return data(List.of(root));
        }

        /** A separate validation folder, or null to hold slices out of the first root. */
        public Builder<S> validationRoot(Path root) {
            this.validationRoot = root;
            return this;
        }

        /**
         * Slices held out of the first root when there is no validation root: the last ones in natural name
         * order (0: none).
         */
        public Builder<S> validationCount(int count) {
            this.validationCount = count;
            return this;
        }

        /** How many times the first root's training slices appear per epoch (1 = plain union). */
        public Builder<S> firstRootRepeat(int repeat) {
            this.firstRootRepeat = repeat;
            return this;
        }

        /** Hyper-parameters. */
        public Builder<S> train(TrainConfig config) {
            this.train = config;
            return this;
        }

        /** Output folder (resumes from its checkpoint when present). */
        public Builder<S> output(Path folder) {
            this.output = folder;
            return this;
        }

        /** A model folder to start from (fine-tuning), or null for random initialisation. */
        public Builder<S> initFrom(Path folder) {
            this.initFrom = folder;
            return this;
        }

        /** "cpu" or "gpu". */
        public Builder<S> device(String name) {
            this.device = name;
            return this;
        }

        /** Model name written to descriptors. */
        public Builder<S> name(String modelName) {
            this.name = modelName;
            return this;
        }

        /** The job. */
        public TrainingJob<S> build() {
            return new TrainingJob<>(this);
        }
    }
}
