package org.infnet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * The multi-class U-Net against the original implementation: its parameter table and its logits under
 * the closed-formula weights of {@code ../shared/reference/parity/PARITY.md}.
 */
class MultiClassUNetTest {

    private static NDManager manager;
    private static MultiClassUNet net;
    private static ReferenceTable table;

    @BeforeAll
    static void build() throws Exception {
        table = ReferenceNetwork.unetTable();
        manager = NDManager.newBaseManager();
        net = new MultiClassUNet(UNetConfig.PAPER);
        net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        net.initialize(manager, DataType.FLOAT32, net.inputShape(1, 32));
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void trainableValuesMatchTheOriginal() {
        long trainable = ReferenceNetwork.trainableValues(net);
        long all = net.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        assertEquals(17_269_251L, trainable);
        long original = table.rows().stream().filter(r -> !ReferenceNames.isBufferName(r.name()))
                .mapToLong(ReferenceTable.Row::size).sum();
        assertEquals(original, trainable);
        // plus the batch-norm running statistics (2 x 4,416), without the 18 num_batches_tracked counters
        long buffers = table.rows().stream().filter(r -> ReferenceNames.isBufferName(r.name())
                && !r.name().endsWith("num_batches_tracked")).mapToLong(ReferenceTable.Row::size).sum();
        assertEquals(8_832L, buffers);
        assertEquals(original + buffers, all);
    }

    @Test
    void trainableShapesEqualTheReferenceMultiset() {
        assertEquals(ReferenceNetwork.referenceTrainableShapes(table, n -> true), ReferenceNetwork.trainableShapes(net));
    }

    @Test
    void everyReferenceRowMapsToExactlyOneParameterOfTheSameShape() {
        Map<String, Parameter> mapped = ReferenceNames.of(net);
        Map<String, Integer> seen = new HashMap<>();
        int counters = 0;
        for (ReferenceTable.Row r : table.rows()) {
            if (r.name().endsWith("num_batches_tracked")) {
                counters++;
                continue;
            }
            Parameter p = mapped.get(r.name());
            assertTrue(p != null, "no parameter for " + r.name());
            assertEquals(Arrays.toString(r.shape()), Arrays.toString(p.getArray().getShape().getShape()), r.name());
            assertEquals(1, seen.merge(r.name(), 1, Integer::sum), r.name());
        }
        assertEquals(18, counters);
        assertEquals(table.rows().size() - counters, seen.size());
        assertEquals(mapped.size(), seen.size(), "parameters without a reference row");
        // distinct parameters, not one parameter under two names
        assertEquals(mapped.size(), mapped.values().stream().distinct().count());
        assertEquals("down3.maxpool_conv.1.double_conv.4.running_var",
                ReferenceNames.toUNetReference("down3.bn2.running_var"));
        assertEquals("up1.conv.double_conv.0.weight", ReferenceNames.toUNetReference("up1.conv1.weight"));
        assertEquals("inc.double_conv.1.weight", ReferenceNames.toUNetReference("inc.bn1.weight"));
        assertEquals("outc.conv.bias", ReferenceNames.toUNetReference("outc.bias"));
    }

    @Test
    void outputIsOneLogitMapPerClassAtInputSize() {
        try (NDManager m = manager.newSubManager()) {
            NDList out = net.forward(new ParameterStore(m, false), new NDList(m.zeros(net.inputShape(2, 32))), false);
            assertEquals(1, out.size());
            assertEquals(new Shape(2, 3, 32, 32), out.head().getShape());
            // sides that are not multiples of 16: floor pooling, zero padding after upsampling
            NDList odd = net.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 6, 37, 50))), false);
            assertEquals(new Shape(1, 3, 37, 50), odd.head().getShape());
            assertThrows(IllegalArgumentException.class,
                    () -> net.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 3, 32, 32))), false));
            assertThrows(IllegalArgumentException.class,
                    () -> net.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 6, 8, 32))), false));
        }
    }

    @Test
    void paddingMatchesTheOriginalSplit() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.ones(new Shape(1, 1, 2, 2));
            NDArray y = MultiClassUNet.padTo(x, 5, 3);
            assertEquals(new Shape(1, 1, 5, 3), y.getShape());
            // dy = 3: 1 row on top, 2 at the bottom; dx = 1: 0 left, 1 right
            float[] v = y.toFloatArray();
            float[] expected = {0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0};
            assertEquals(Arrays.toString(expected), Arrays.toString(v));
        }
    }

    @Test
    void compactVariantHasAQuarterOfTheChannels() {
        try (NDManager m = manager.newSubManager()) {
            MultiClassUNet c = MultiClassUNet.builder().config(UNetConfig.COMPACT).build();
            c.initialize(m, DataType.FLOAT32, c.inputShape(1, 32));
            long n = ReferenceNetwork.trainableValues(c);
            assertTrue(n > 17_269_251L / 17 && n < 17_269_251L / 15, "compact values " + n);
            assertEquals(ReferenceNames.of(net).keySet(), ReferenceNames.of(c).keySet());
            assertEquals(UNetConfig.COMPACT, UNetConfig.preset("multiclass-unet-compact"));
        }
    }

    @Test
    void reproducesTheOriginalLogitsUnderFormulaWeights() throws Exception {
        int used = ReferenceNetwork.fillByFormula(table, ReferenceNames.of(net));
        assertEquals(table.rows().size() - 18, used);
        // the plain NCHW store, channels-last copies per pass and the frozen weights: the same logits
        try (FrozenWeights frozen = FrozenWeights.of(net, manager)) {
            long batchNorms = net.getParameters().keys().stream().filter(k -> k.endsWith("runningVar")).count();
            assertEquals(batchNorms, frozen.folds(), "every batch norm folded into its convolution");
            for (int store = 0; store < 3; store++) {
                try (NDManager m = manager.newSubManager()) {
                    NDArray input = ReferenceNetwork.parityInput(m, 6, 0.5);
                    long t0 = System.nanoTime();
                    ParameterStore ps = store == 0 ? new ParameterStore(m, false)
                            : store == 1 ? FrozenWeights.passStore(m) : frozen.store(m);
                    NDArray out = net.forward(ps, new NDList(input), false).head();
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(new Shape(1, 3, 352, 352), out.getShape());
                    double max = ReferenceNetwork.maxAbsDiff("unet_logits.f32", out);
                    String report = "unet_logits.f32, store " + store + ": max abs diff " + max + " (forward " + ms
                            + " ms)";
                    System.out.println(report);
                    assertTrue(max < 1e-3, report);
                }
            }
        }
    }
}
