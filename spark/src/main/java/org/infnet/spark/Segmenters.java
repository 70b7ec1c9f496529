package org.infnet.spark;

import ai.djl.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.infnet.analysis.LungSegmentation;
import org.infnet.analysis.VolumeAnalysis;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.infer.MultiClassSegmenter;
import org.infnet.infer.VolumeSegmenter;
import org.infnet.image.HuWindow;
import org.infnet.model.Engines;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.model.InferenceEngine;
import org.infnet.model.ModelLocator;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;

/**
 * The models of this JVM: loaded on first use and kept for the JVM's life, so that an executor loads them once
 * however many volumes (tasks) it runs, and the tasks running at once on it share them (frozen models are
 * thread-safe for inference). A later job asking for other models (or another threshold) replaces them.
 */
final class Segmenters implements AutoCloseable {

    /** What identifies the loaded models. */
    private record Key(String model, boolean multiClass, String multiClassModel, double threshold, int threads) {
        static Key of(CohortConfig c) {
            return new Key(c.model(), c.multiClass(), c.multiClass() ? c.multiClassModel() : null, c.threshold(),
                    c.threads());
        }
    }

    private static final AtomicInteger LOADS = new AtomicInteger();
    private static Segmenters current;

    private final Key key;
    private final NetworkModel<InfNet> model;
    private final NetworkModel<MultiClassUNet> multiModel;
    final VolumeAnalysis analysis;
    /** Model name(s), e.g. {@code infnet-compact} or {@code infnet-compact+multiclass-compact}. */
    final String modelName;
    /** First 12 hex digits of the SHA-256 of the model descriptor(s) (architecture, training record, validation). */
    final String modelVersion;
    /** Engine name and version, e.g. {@code PyTorch 2.7.1}. */
    final String engine;

    private Segmenters(Key key) throws IOException {
        this.key = key;
        Engines.setIntraOpThreads(key.threads());
        NetworkModel<InfNet> m = null;
        NetworkModel<MultiClassUNet> mc = null;
        try {
            m = ModelLocator.open(ModelKind.INFNET, key.model(), Device.cpu());
            m.freeze();
            // the engine the CLI's segment chooses (the model's preference, else the default): the same maps
            InferenceEngine inference = InferenceEngine.resolve(null, m.descriptor());
            InfectionSegmenter seg = new InfectionSegmenter(m,
                    new InfectionSegmenter.Options(key.threshold(), HuWindow.LUNG, VolumeSegmenter.DEFAULT_BATCH, 1, false),
                    inference); // one volume is one stream; no edge maps
            MultiClassSegmenter multi = null;
            String name = m.descriptor().name();
            String desc = m.descriptor().toJson();
            if (key.multiClass()) {
                // the prior of the multi-class model is the job's infection model (the CLI's --prior-model)
                mc = ModelLocator.open(ModelKind.UNET, key.multiClassModel(), Device.cpu());
                mc.freeze();
                multi = new MultiClassSegmenter(m, mc, new MultiClassSegmenter.Options(HuWindow.LUNG, VolumeSegmenter.DEFAULT_BATCH),
                        InferenceEngine.resolve(null, mc.descriptor()));
                name += "+" + mc.descriptor().name();
                desc += mc.descriptor().toJson();
            }
            this.model = m;
            this.multiModel = mc;
            this.analysis = new VolumeAnalysis(seg, multi, new LungSegmentation());
            this.modelName = name;
            this.modelVersion = sha256(desc).substring(0, 12);
            this.engine = inference == InferenceEngine.ONNX ? "ONNX Runtime " + ai.onnxruntime.OrtEnvironment.class
                    .getPackage().getImplementationVersion()
                    : m.manager().getEngine().getEngineName() + " " + m.manager().getEngine().getVersion();
        } catch (IOException | RuntimeException e) {
            for (NetworkModel<?> x : new NetworkModel<?>[] {m, mc}) {
                if (x != null) {
                    x.close();
                }
            }
            throw e;
        }
        LOADS.incrementAndGet();
    }

    /** The models for {@code c}, loading them on first use in this JVM. */
    static synchronized Segmenters get(CohortConfig c) throws IOException {
        Key k = Key.of(c);
        if (current == null || !current.key.equals(k)) {
            if (current != null) {
                current.close();
                current = null;
            }
            current = new Segmenters(k);
        }
        return current;
    }

    /** How many times models were loaded in this JVM (once per executor JVM and job configuration). */
    static int loads() {
        return LOADS.get();
    }

    @Override
    public void close() {
        for (NetworkModel<?> x : new NetworkModel<?>[] {model, multiModel}) {
            if (x != null) {
                x.close();
            }
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
