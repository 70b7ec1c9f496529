package org.infnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.infnet.model.Engines;

/**
 * Adam with PyTorch's update rule ({@code torch.optim.Adam}, no weight decay) and Inf-Net's gradient
 * clamp: each gradient element is clamped to {@code [-clip, clip]} before the update, as the
 * original's {@code clip_gradient} does (DJL's built-in clip is one-sided). Its state (step count and
 * moment estimates) can be exported and restored, so training resumes exactly from a checkpoint. The moments
 * live in the parameters' manager: close the optimizer when training ends, or they stay until the model closes.
 */
public final class Adam implements Optimiser {

    private final Map<String, Parameter> params;
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float eps = 1e-8f;
    private final float clip;
    private final Map<String, NDArray> m = new HashMap<>();
    private final Map<String, NDArray> v = new HashMap<>();
    private float lr;
    private long t;

    /**
     * @param params the trainable parameters by name (only those requiring gradients are updated)
     * @param lr initial learning rate
     * @param clip element-wise gradient clamp; {@code <= 0} disables it
     */
    public Adam(Map<String, Parameter> params, float lr, float clip) {
        this.params = Gradients.trainable(params);
        this.lr = lr;
        this.clip = clip;
    }

    /** Sets the learning rate used by the next steps. */
    @Override
    public void setLearningRate(float lr) {
        this.lr = lr;
    }

    /** Number of steps taken. */
    @Override
    public long steps() {
        return t;
    }

    /** Applies one update from the accumulated gradients, then zeroes the gradients. */
    @Override
    public void step() {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (lr / c1);
        float sqrtC2 = (float) Math.sqrt(c2);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray w = e.getValue().getArray();
            try (NDManager sub = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(sub);
                NDArray gc = clip > 0 ? g.clip(-clip, clip) : g.duplicate();
                gc.attach(sub);
                NDArray mi = m.computeIfAbsent(e.getKey(), k -> w.zerosLike());
                NDArray vi = v.computeIfAbsent(e.getKey(), k -> w.zerosLike());
                mi.muli(beta1).addi(gc.mul(1 - beta1));
                vi.muli(beta2).addi(gc.square().muli(1 - beta2));
                NDArray denom = vi.sqrt();
                denom.attach(sub);
                denom.divi(sqrtC2).addi(eps);
                NDArray upd = mi.div(denom);
                upd.attach(sub);
                w.subi(upd.muli(stepSize));
                g.muli(0);
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

    /** Exports the state: step count and moments under {@code m.NAME} / {@code v.NAME}. */
    @Override
    public Map<String, NDArray> moments() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m." + k, a));
        v.forEach((k, a) -> out.put("v." + k, a));
        return out;
    }

    /** Restores a state exported by {@link #moments()} and {@link #steps()}. */
    @Override
    public void restore(long steps, Map<String, float[]> moments) {
        t = steps;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray w = e.getValue().getArray();
            float[] mm = moments.get("m." + e.getKey());
            float[] vv = moments.get("v." + e.getKey());
            if (mm == null || vv == null) {
                continue; // parameter never updated before the checkpoint
            }
            NDArray a = m.computeIfAbsent(e.getKey(), k -> w.zerosLike());
            Engines.copyInto(a, mm);
            NDArray b = v.computeIfAbsent(e.getKey(), k -> w.zerosLike());
            Engines.copyInto(b, vv);
        }
    }

    /** Frees the moment estimates (the parameters and their gradients are left alone). */
    @Override
    public void close() {
        m.values().forEach(NDArray::close);
        v.values().forEach(NDArray::close);
        m.clear();
        v.clear();
    }
}
