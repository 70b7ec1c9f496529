package org.infnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.infnet.model.Engines;

/**
 * Stochastic gradient descent with momentum and PyTorch's update rule ({@code torch.optim.SGD}, no dampening,
 * no Nesterov, no weight decay): {@code buf = g} on the first step, then {@code buf = momentum * buf + g};
 * {@code w -= lr * buf}. The original multi-class U-Net is trained with momentum 0.7, lr 1e-2. An optional
 * element-wise gradient clamp as {@link Adam}'s. Its state (step count, momentum buffers) can be exported and
 * restored.
 */
public final class Sgd implements Optimiser {

    private final Map<String, Parameter> params;
    private final float momentum;
    private final float clip;
    private final Map<String, NDArray> buf = new HashMap<>();
    private float lr;
    private long t;

    /**
     * @param params the trainable parameters by name (only those requiring gradients are updated)
     * @param lr initial learning rate
     * @param momentum momentum factor in [0, 1)
     * @param clip element-wise gradient clamp; {@code <= 0} disables it
     */
    public Sgd(Map<String, Parameter> params, float lr, float momentum, float clip) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.params = Gradients.trainable(params);
        this.lr = lr;
        this.momentum = momentum;
        this.clip = clip;
    }

    @Override
    public void setLearningRate(float lr) {
        this.lr = lr;
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public void step() {
        t++;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray w = e.getValue().getArray();
            try (NDManager sub = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(sub);
                NDArray gc = clip > 0 ? g.clip(-clip, clip) : g.duplicate();
                gc.attach(sub);
                NDArray b = buf.get(e.getKey());
                if (b == null) {
                    b = gc.duplicate();
                    b.attach(w.getManager());
                    buf.put(e.getKey(), b);
                } else {
                    b.muli(momentum).addi(gc);
                }
                NDArray upd = b.mul(lr);
                upd.attach(sub);
                w.subi(upd);
                Engines.zero(g);
            }
        }
    }

    @Override
    public boolean gradientsFinite() {
        return Gradients.finite(params.values());
    }

    @Override
    public void zeroGradients() {
        Gradients.zero(params.values());
    }

    /** The momentum buffers under {@code buf.NAME}. */
    @Override
    public Map<String, NDArray> moments() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        buf.forEach((k, a) -> out.put("buf." + k, a));
        return out;
    }

    @Override
    public void restore(long steps, Map<String, float[]> moments) {
        t = steps;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            float[] v = moments.get("buf." + e.getKey());
            if (v == null) {
                continue; // parameter never updated before the checkpoint
            }
            NDArray a = buf.computeIfAbsent(e.getKey(), k -> e.getValue().getArray().zerosLike());
            Engines.copyInto(a, v);
        }
    }

    /** Frees the momentum buffers (the parameters and their gradients are left alone). */
    @Override
    public void close() {
        buf.values().forEach(NDArray::close);
        buf.clear();
    }
}
