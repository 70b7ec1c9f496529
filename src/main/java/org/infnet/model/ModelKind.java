package org.infnet.model;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.infnet.io.SafeTensors;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;

/**
 * What a {@link NetworkModel} holds: an Inf-Net ({@link #INFNET}: infection and edge maps) or a multi-class U-Net
 * ({@link #UNET}: GGO and consolidation), told apart by the descriptor ({@link ModelDescriptor#isUNet}). A kind builds
 * its network, creates, loads and checks models of its own kind, and names its bundled default model; both kinds share
 * one model class, one folder format and one locator ({@link ModelLocator#open}).
 *
 * @param <B> the network block
 */
public final class ModelKind<B extends AbstractBlock> {

    /** The Inf-Net (infection probability and edge attention). */
    public static final ModelKind<InfNet> INFNET = new ModelKind<>("an Inf-Net", ModelLocator.DEFAULT, false,
            d -> new InfNet(d.network()), d -> InfNet.inputShape(1, 64));

    /** The multi-class U-Net (GGO and consolidation from a slice and its infection prior). */
    public static final ModelKind<MultiClassUNet> UNET = new ModelKind<>("a multi-class U-Net",
            ModelLocator.DEFAULT_MULTICLASS, true, d -> new MultiClassUNet(d.unet()),
            d -> MultiClassUNet.inputShape(d.unet(), 1, 32));

    private final String what;
    private final String defaultName;
    private final boolean unet;
    private final Function<ModelDescriptor, B> build;
    private final Function<ModelDescriptor, Shape> initShape;

    private ModelKind(String what, String defaultName, boolean unet, Function<ModelDescriptor, B> build,
            Function<ModelDescriptor, Shape> initShape) {
        this.what = what;
        this.defaultName = defaultName;
        this.unet = unet;
        this.build = build;
        this.initShape = initShape;
    }

    /** The kind {@code d} describes. */
    public static ModelKind<?> of(ModelDescriptor d) {
        return d.isUNet() ? UNET : INFNET;
    }

    /** Name of the bundled model of this kind, loaded for a blank spec. */
    public String defaultName() {
        return defaultName;
    }

    /** Whether {@code d} describes a network of this kind. */
    public boolean accepts(ModelDescriptor d) {
        return d.isUNet() == unet;
    }

    /** Whether the folder's descriptor describes a network of this kind (false if there is no valid descriptor). */
    public boolean isFolderOf(Path folder) {
        try {
            return accepts(NetworkModel.readDescriptor(folder));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A new, randomly initialised network described by {@code descriptor}.
     *
     * @throws IllegalArgumentException when the descriptor describes the other kind
     */
    public NetworkModel<B> create(ModelDescriptor descriptor, Device device) {
        if (!accepts(descriptor)) {
            throw new IllegalArgumentException("descriptor '" + descriptor.name() + "' describes "
                    + descriptor.architecture() + ", not " + what + " (use ModelKind." + (unet ? "INFNET" : "UNET") + ")");
        }
        return new NetworkModel<>(descriptor, device, build.apply(descriptor), initShape.apply(descriptor));
    }

    /**
     * Loads a model folder.
     *
     * @throws IOException naming the folder and the problem: missing or invalid descriptor, a descriptor of the other
     *     kind, missing, truncated or corrupt weights, or weights that do not fit the described network
     */
    public NetworkModel<B> load(Path folder, Device device) throws IOException {
        ModelDescriptor d = checked(NetworkModel.readDescriptor(folder), folder.toString());
        Map<String, SafeTensors.Tensor> weights = SafeTensors.read(folder.resolve(d.weights()));
        NetworkModel<B> m = NetworkModel.filled(create(d, device), weights, folder.toString());
        try {
            m.fromFolder(folder);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** Loads a model folder packaged as class-path resources under {@code base} (e.g. {@code /models/x}). */
    public NetworkModel<B> loadResource(String base, Device device) throws IOException {
        Map.Entry<ModelDescriptor, Map<String, SafeTensors.Tensor>> r = NetworkModel.readResource(base);
        return NetworkModel.filled(create(checked(r.getKey(), base), device), r.getValue(), base);
    }

    private ModelDescriptor checked(ModelDescriptor d, String source) throws IOException {
        if (!accepts(d)) {
            throw new IOException(source + ": holds " + of(d).what + " (" + d.architecture() + "), not " + what);
        }
        return d;
    }

    @Override
    public String toString() {
        return unet ? "UNET" : "INFNET";
    }
}
