package org.infnet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Multiply-add budgets of the two shipped architectures at 352 x 352 ({@link MacCount}). */
class ModelCostTest {

    static long[] cost(InfNetConfig config) {
        long[] c = MacCount.of(config, 352);
        System.out.printf("%s: %,d trainable values, %.3f G multiply-adds per 352x352 slice%n", config.architecture(),
                c[0], c[1] / 1e9);
        return c;
    }

    @Test
    void paperNetworkCostsWhatTheReferenceStates() {
        long[] c = cost(InfNetConfig.PAPER);
        // INF-NET.md section 7: 13.84 G multiply-adds per 352x352 slice
        assertEquals(13.84e9, c[1], 0.01 * 13.84e9);
    }

    @Test
    void compactNetworkStaysWithinTheCpuBudget() {
        long[] c = cost(InfNetConfig.COMPACT);
        assertTrue(c[1] <= 1.5e9, "compact model costs " + c[1] + " multiply-adds");
        assertTrue(c[0] < 3_000_000, "compact model has " + c[0] + " values");
    }

    @Test
    void mediumNetworkHasThePythonTrainingNetworksValues() {
        long[] c = cost(InfNetConfig.MEDIUM);
        // bench/python/gpu/infnet_cfg.py prints 3,690,700 parameters for 'infnet-medium'
        assertEquals(3_690_700L, c[0]);
        assertTrue(c[1] > cost(InfNetConfig.COMPACT)[1], "the medium model costs more than the compact one");
    }
}
