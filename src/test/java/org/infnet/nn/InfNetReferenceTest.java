package org.infnet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paper's network against the original implementation: its parameter table and its outputs under
 * the closed-formula weights of {@code ../shared/reference/parity/PARITY.md}.
 */
class InfNetReferenceTest {

    private static NDManager manager;
    private static InfNet net;
    private static ReferenceTable table;

    @BeforeAll
    static void build() throws Exception {
        table = ReferenceNetwork.infnetTable();
        manager = NDManager.newBaseManager();
        net = new InfNet(InfNetConfig.PAPER);
        net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        net.initialize(manager, DataType.FLOAT32, InfNet.inputShape(1, 352));
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void trainableValuesMatchTheOriginalWithoutItsClassifier() {
        long trainable = ReferenceNetwork.trainableValues(net);
        assertEquals(31_072_721L, trainable);
        long original = table.rows().stream().filter(r -> !ReferenceNames.isBufferName(r.name()))
                .mapToLong(ReferenceTable.Row::size).sum();
        assertEquals(33_121_721L, original);
        assertEquals(original - 2_049_000L, trainable);
    }

    @Test
    void trainableShapesEqualTheReferenceMultiset() {
        assertEquals(ReferenceNetwork.referenceTrainableShapes(table, n -> !n.startsWith("resnet.fc.")),
                ReferenceNetwork.trainableShapes(net));
    }

    @Test
    void everyReferenceRowMapsToExactlyOneParameterOfTheSameShape() {
        Map<String, Parameter> mapped = ReferenceNames.of(net);
        Map<String, Integer> seen = new HashMap<>();
        for (ReferenceTable.Row r : table.rows()) {
            if (r.name().endsWith("num_batches_tracked") || r.name().startsWith("resnet.fc.")) {
                continue;
            }
            Parameter p = mapped.get(r.name());
            assertTrue(p != null, "no parameter for " + r.name());
            assertEquals(Arrays.toString(r.shape()), Arrays.toString(p.getArray().getShape().getShape()), r.name());
            seen.merge(r.name(), 1, Integer::sum);
        }
        assertEquals(mapped.size(), seen.size(), "parameters without a reference row");
    }

    @Test
    void outputsHaveFiveFullResolutionMaps() {
        try (NDManager m = manager.newSubManager()) {
            NDList out = net.forward(new ParameterStore(m, false), new NDList(m.zeros(InfNet.inputShape(2, 352))), false);
            assertEquals(5, out.size());
            for (NDArray a : out) {
                assertEquals(new Shape(2, 1, 352, 352), a.getShape());
            }
        }
    }

    @Test
    void reproducesTheOriginalOutputsUnderFormulaWeights() throws Exception {
        int used = ReferenceNetwork.fillByFormula(table, ReferenceNames.of(net));
        long expectedRows = table.rows().stream()
                .filter(r -> !r.name().endsWith("num_batches_tracked") && !r.name().startsWith("resnet.fc.")).count();
        assertEquals(expectedRows, used);
        String[] files = {"infnet_map5.f32", "infnet_map4.f32", "infnet_map3.f32", "infnet_map2.f32", "infnet_edge.f32"};
        // the plain NCHW store, the product's store making channels-last copies per pass (training), the frozen
        // weights (batch norms folded, channels-last, stage blocks' groups as one grouped convolution, RFB heads as one) and the
        // segmentation-only pass on them (lateral map 2 and the edge map): the same outputs
        try (FrozenWeights frozen = FrozenWeights.of(net, manager)) {
            long batchNorms = net.getParameters().keys().stream().filter(k -> k.endsWith("runningVar")).count();
            assertEquals(batchNorms, frozen.folds(), "every batch norm folded into its convolution");
            assertEquals(4 + 3, frozen.fusions(),
                    "the first block of each of the four layers runs its groups as one, each RFB its 1x1 heads");
            StringBuilder report = new StringBuilder();
            double worst = 0;
            for (int store = 0; store < 4; store++) {
                try (NDManager m = manager.newSubManager()) {
                    ParameterStore ps = store == 0 ? new ParameterStore(m, false)
                            : store == 1 ? FrozenWeights.passStore(m) : frozen.store(m);
                    NDArray x = ReferenceNetwork.parityInput(m, 3, 0);
                    NDList out = store < 3 ? net.forward(ps, new NDList(x), false) : net.segment(ps, x, true);
                    assertEquals(store < 3 ? 5 : 2, out.size());
                    for (int i = store < 3 ? 0 : InfNet.MAP2; i < 5; i++) {
                        double max = ReferenceNetwork.maxAbsDiff(files[i], out.get(store < 3 ? i : i - InfNet.MAP2));
                        report.append("store ").append(store).append(' ').append(files[i]).append(": max abs diff ")
                                .append(max).append('\n');
                        worst = Math.max(worst, max);
                    }
                }
            }
            System.out.print(report);
            assertTrue(worst < 1e-3, report.toString());
        }
    }
}
