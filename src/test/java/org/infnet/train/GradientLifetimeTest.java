package org.infnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infnet.model.Engines;
import org.infnet.model.InputEncoder;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.train.data.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gradients must not depend on when the garbage collector runs. DJL's PyTorch engine backs numbers passed to
 * operations ({@code x.mul(-1)}, {@code x.maximum(0)}) and arrays filled with {@code set(float[])} by Java
 * direct buffers; when autograd keeps such a tensor for the backward pass and the Java side frees it, the
 * gradients read reused memory. This was the cause of identically seeded training runs diverging inside the
 * test suite (where the heap is busy) but not alone.
 */
@ExtendWith(SingleThreaded.class)
class GradientLifetimeTest {


    /** Runs the collector and frees (and overwrites) every unreachable Java direct buffer several times. */
    private static List<ByteBuffer> churnDirectMemory() throws InterruptedException {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            System.gc();
            Thread.sleep(100); // the cleaner thread frees the native memory of collected buffers
            for (int j = 0; j < 20_000; j++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                b.putFloat(0, 1e6f);
                keep.add(b);
            }
        }
        return keep;
    }

    private static Map<String, float[]> gradients(NetworkModel<InfNet> model, List<Sample> batch, boolean churn)
            throws InterruptedException {
        Map<String, float[]> out = new LinkedHashMap<>();
        List<ByteBuffer> garbage = null;
        try (NDManager m = model.manager().newSubManager()) {
            List<float[]> imgs = new ArrayList<>();
            List<float[]> masks = new ArrayList<>();
            List<float[]> edges = new ArrayList<>();
            for (Sample s : batch) {
                imgs.add(s.image01());
                masks.add(s.mask01());
                edges.add(s.edge01());
            }
            NDArray x = new InputEncoder(model.descriptor().normalisation()).encode(m, imgs, TinyNets.SIDE);
            NDArray gt = InputEncoder.stack(m, masks, TinyNets.SIDE);
            NDArray eg = InputEncoder.stack(m, edges, TinyNets.SIDE);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList outputs = model.net().forward(new ParameterStore(m, false), new NDList(x), true);
                NDArray loss = StructureLoss.of(outputs, gt, eg).total();
                if (churn) {
                    garbage = churnDirectMemory();
                }
                gc.backward(loss);
            }
            for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
                NDArray w = e.getValue().getArray();
                if (w.hasGradient()) {
                    NDArray g = w.getGradient();
                    out.put(e.getKey(), g.toFloatArray());
                    Engines.zero(g);
                    g.close();
                }
            }
        }
        assertTrue(garbage == null || garbage.size() > 0);
        return out;
    }

    @Test
    void networkAndLossGradientsSurviveGarbageCollectionBeforeBackward() throws Exception {
        List<Sample> batch = TinyNets.discs(2, 31);
        Engine.getInstance().setRandomSeed(3);
        try (NetworkModel<InfNet> model = ModelKind.INFNET.create(TinyNets.descriptor(TinyNets.TINY), Device.cpu())) {
            Map<String, float[]> calm = gradients(model, batch, false);
            Map<String, float[]> churned = gradients(model, batch, true);
            assertEquals(calm.keySet(), churned.keySet());
            assertTrue(calm.size() > 50, "parameters with gradients: " + calm.size());
            for (String k : calm.keySet()) {
                float[] a = calm.get(k);
                float[] b = churned.get(k);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 1e-5 * (1 + Math.abs(a[i])), k + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void copyIntoWritesTheArraysOwnMemory() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.zeros(new Shape(4));
            NDArray view = a.reshape(2, 2); // shares a's memory; set(float[]) would leave it behind
            Engines.copyInto(a, new float[] {1, 2, 3, 4});
            assertArrayEquals(new float[] {1, 2, 3, 4}, view.toFloatArray());
            Engines.copyInto(a, new float[] {Float.NaN, 1, Float.POSITIVE_INFINITY, 2});
            Engines.zero(a);
            assertArrayEquals(new float[] {0, 0, 0, 0}, view.toFloatArray());
        }
    }
}
