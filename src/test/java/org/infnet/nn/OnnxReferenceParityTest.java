package org.infnet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.nio.FloatBuffer;
import java.util.Map;
import org.infnet.model.Engines;
import org.infnet.onnx.OnnxNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paper's networks exported to ONNX ({@link org.infnet.onnx.OnnxExport}) and run on ONNX Runtime, under the
 * parity oracle's closed-formula weights and inputs ({@code ../shared/reference/parity/PARITY.md}): the outputs equal
 * the Java PyTorch inference pass (frozen weights, one thread: see issue 16) within 1e-4 and the original's outputs
 * within the oracle's 1e-3.
 */
class OnnxReferenceParityTest {

    private static final int SIDE = 352;

    @BeforeAll
    static void oneThread() {
        Engines.setIntraOpThreads(1); // libtorch's oneDNN is wrong with more threads on some processors (issue 16)
    }

    private static float[] values(NDArray a) {
        return a.toFloatArray();
    }

    static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static float[][] runOnnx(Block net, float[] input, int channels, String... outputs) throws Exception {
        try (OnnxNetwork onnx = OnnxNetwork.of(OnnxNetwork.export(net, SIDE, Map.of()))) {
            FloatBuffer x = OnnxNetwork.directFloats(input.length);
            x.put(input).flip();
            return onnx.run(x, new long[] {1, channels, SIDE, SIDE}, outputs);
        }
    }

    @Test
    void paperInfNetMatchesJavaPytorchAndTheOriginal() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            InfNet net = new InfNet(InfNetConfig.PAPER);
            net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            net.initialize(manager, DataType.FLOAT32, InfNet.inputShape(1, SIDE));
            ReferenceNetwork.fillByFormula(ReferenceNetwork.infnetTable(), ReferenceNames.of(net));
            float[] input;
            float[] javaMap2;
            float[] javaEdge;
            try (FrozenWeights frozen = FrozenWeights.of(net, manager); NDManager m = manager.newSubManager()) {
                NDArray x = ReferenceNetwork.parityInput(m, 3, 0);
                input = values(x);
                NDList out = net.segment(frozen.store(m), x, true);
                javaMap2 = values(out.get(0));
                javaEdge = values(out.get(1));
            }
            float[][] onnx = runOnnx(net, input, 3, "map2", "edge");
            float[] refMap2 = ReferenceNetwork.readF32(ReferenceNetwork.PARITY.resolve("infnet_map2.f32"));
            float[] refEdge = ReferenceNetwork.readF32(ReferenceNetwork.PARITY.resolve("infnet_edge.f32"));
            String report = String.format("paper Inf-Net, ONNX vs Java PyTorch: map2 %.3g, edge %.3g;"
                            + " ONNX vs original: map2 %.3g, edge %.3g; Java vs original: map2 %.3g",
                    maxAbs(onnx[0], javaMap2), maxAbs(onnx[1], javaEdge), maxAbs(onnx[0], refMap2),
                    maxAbs(onnx[1], refEdge), maxAbs(javaMap2, refMap2));
            System.out.println(report);
            assertTrue(maxAbs(onnx[0], javaMap2) < 1e-4 && maxAbs(onnx[1], javaEdge) < 1e-4, report);
            assertTrue(maxAbs(onnx[0], refMap2) < 1e-3 && maxAbs(onnx[1], refEdge) < 1e-3, report);
        }
    }

    @Test
    void paperUNetMatchesJavaPytorchAndTheOriginal() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            MultiClassUNet net = MultiClassUNet.builder().build();
            net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            net.initialize(manager, DataType.FLOAT32, net.inputShape(1, SIDE));
            ReferenceNetwork.fillByFormula(ReferenceNetwork.unetTable(), ReferenceNames.of(net));
            float[] input;
            float[] java;
            try (FrozenWeights frozen = FrozenWeights.of(net, manager); NDManager m = manager.newSubManager()) {
                NDArray x = ReferenceNetwork.parityInput(m, 6, 0.5);
                input = values(x);
                java = values(net.forward(frozen.store(m), new NDList(x), false).head());
            }
            float[] onnx = runOnnx(net, input, 6, "logits")[0];
            float[] ref = ReferenceNetwork.readF32(ReferenceNetwork.PARITY.resolve("unet_logits.f32"));
            String report = String.format("paper U-Net, ONNX vs Java PyTorch: logits %.3g; ONNX vs original: %.3g",
                    maxAbs(onnx, java), maxAbs(onnx, ref));
            System.out.println(report);
            assertTrue(maxAbs(onnx, java) < 1e-4, report);
            assertTrue(maxAbs(onnx, ref) < 1e-3, report);
        }
    }
}
