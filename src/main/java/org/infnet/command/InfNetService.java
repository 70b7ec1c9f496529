package org.infnet.command;

import ai.djl.Device;
import ai.djl.nn.AbstractBlock;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.infnet.engine.DjlDefaults;
import org.infnet.model.ModelKind;
import org.infnet.model.ModelLocator;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.nn.MultiClassUNet;
import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

/**
 * Keeps loaded Inf-Net and multi-class models for the commands of one SciJava context, so that running a command
 * again does not reload its weights. Models are loaded for inference (no gradients) on the CPU, or on
 * the GPU when the system property {@code infnet.device} is {@code gpu}; they are closed with the
 * context.
 */
@Plugin(type = Service.class)
public final class InfNetService extends AbstractService {

    /** Loaded models by kind and name. */
    private final Map<String, NetworkModel<?>> models = new LinkedHashMap<>();

    /** Turns DJL's network probe and log lines off as soon as the context starts, before DJL loads. */
    @Override
    public void initialize() {
        DjlDefaults.apply();
    }

    private static Device device() {
        return "gpu".equalsIgnoreCase(System.getProperty("infnet.device")) ? Device.gpu() : Device.cpu();
    }

    /**
     * Segmentation streams for a command, with the same engine settings as the {@code segment} command line's
     * default: on the CPU one stream per processor with one engine thread per operation (set for the process, as
     * PyTorch keeps one setting), on a GPU one stream. The command, the macro runner and the command line thus
     * compute the same numbers for the same input.
     */
    public int streams() {
        if (device().isGpu()) {
            return 1;
        }
        int n = Runtime.getRuntime().availableProcessors();
        if (n > 1) {
            org.infnet.model.Engines.setIntraOpThreads(1);
        }
        return n;
    }

    /** The Inf-Net {@code spec} (name or folder; blank = the bundled one), loaded once per context. */
    public NetworkModel<InfNet> model(String spec) throws IOException {
        return model(ModelKind.INFNET, spec);
    }

    /** The multi-class U-Net {@code spec} (name or folder; blank = the bundled one), loaded once per context. */
    public NetworkModel<MultiClassUNet> multiClassModel(String spec) throws IOException {
        return model(ModelKind.UNET, spec);
    }

    /** The model of {@code kind} named {@code spec} (name or folder; blank = the kind's default), loaded once. */
    @SuppressWarnings("unchecked")
    public synchronized <B extends AbstractBlock> NetworkModel<B> model(ModelKind<B> kind, String spec)
            throws IOException {
        String key = kind + ":" + (spec == null || spec.isBlank() ? kind.defaultName() : spec.trim());
        NetworkModel<B> m = (NetworkModel<B>) models.get(key);
        if (m == null) {
            m = ModelLocator.open(kind, spec, device());
            m.freeze();
            models.put(key, m);
        }
        return m;
    }

    @Override
    public synchronized void dispose() {
        models.values().forEach(NetworkModel::close);
        models.clear();
    }
}
