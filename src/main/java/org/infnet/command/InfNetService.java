package org.infnet.command;

import ai.djl.Device;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.infnet.model.InfNetModel;
import org.infnet.model.ModelLocator;
import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

/**
 * Keeps loaded Inf-Net models for the commands of one SciJava context, so that running a command
 * again does not reload its weights. Models are loaded for inference (no gradients) on the CPU, or on
 * the GPU when the system property {@code infnet.device} is {@code gpu}; they are closed with the
 * context.
 */
@Plugin(type = Service.class)
public final class InfNetService extends AbstractService {

    private final Map<String, InfNetModel> models = new LinkedHashMap<>();

    /** The model {@code spec} (name or folder; blank = default), loaded once per context. */
    public synchronized InfNetModel model(String spec) throws IOException {
        String key = spec == null || spec.isBlank() ? ModelLocator.DEFAULT : spec.trim();
        InfNetModel m = models.get(key);
        if (m == null) {
            Device dev = "gpu".equalsIgnoreCase(System.getProperty("infnet.device")) ? Device.gpu() : Device.cpu();
            m = ModelLocator.open(key, dev);
            m.freeze();
            models.put(key, m);
        }
        return m;
    }

    @Override
    public synchronized void dispose() {
        models.values().forEach(InfNetModel::close);
        models.clear();
    }
}
