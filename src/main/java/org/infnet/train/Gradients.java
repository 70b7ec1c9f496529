package org.infnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.infnet.model.Engines;

/** Gradient bookkeeping the optimisers share. */
final class Gradients {

    private Gradients() {}

    /** The parameters that require gradients, in the given order. */
    static Map<String, Parameter> trainable(Map<String, Parameter> params) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        params.forEach((k, p) -> {
            if (p.requiresGradient()) {
                out.put(k, p);
            }
        });
        return out;
    }

    /** Whether every accumulated gradient is finite (no NaN or infinity). */
    static boolean finite(Collection<Parameter> params) {
        for (Parameter p : params) {
            NDArray w = p.getArray();
            try (NDManager sub = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(sub);
                NDArray bad = g.isNaN().logicalOr(g.isInfinite()).any();
                bad.attach(sub);
                if (bad.getBoolean()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Sets every accumulated gradient to zero (by copying zeros: NaN * 0 would stay NaN). */
    static void zero(Collection<Parameter> params) {
        for (Parameter p : params) {
            NDArray w = p.getArray();
            try (NDManager sub = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(sub);
                Engines.zero(g);
            }
        }
    }
}
