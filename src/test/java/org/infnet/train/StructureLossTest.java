package org.infnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.junit.jupiter.api.Test;

class StructureLossTest {

    @Test
    void bceWithLogitsMatchesTheFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 2, -3, 50});
            NDArray z = m.create(new float[] {1, 0, 1, 1});
            // log 2; 2 + log(1 + e^-2); 3 + log(1 + e^-3); ~0 without overflow
            assertArrayEquals(new float[] {0.6931472f, 2.1269280f, 3.0485874f, 0f},
                    StructureLoss.bceWithLogits(x, z).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void emptyMaskWithZeroLogitsGivesLog2PlusIouTerm() {
        try (NDManager m = NDManager.newBaseManager()) {
            // weights are all 1; wbce = log 2; p = 0.5 -> inter 0, union 8 -> wiou = 1 - 1/9
            NDArray logits = m.zeros(new Shape(1, 1, 4, 4));
            NDArray mask = m.zeros(new Shape(1, 1, 4, 4));
            assertEquals(1.5820361, StructureLoss.structure(logits, mask).getFloat(), 1e-6);
        }
    }

    @Test
    void fullMaskUsesPaddedBoxFilterWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 2x2 ones: pooled = 4/961 everywhere, w = 1 + 5(1 - 4/961); uniform, so wbce = log 2;
            // inter = 4 * 0.5 w, union = 4 * 1.5 w, wiou = 1 - (inter + 1)/(union - inter + 1)
            NDArray logits = m.zeros(new Shape(1, 1, 2, 2));
            NDArray mask = m.ones(new Shape(1, 1, 2, 2));
            assertEquals(1.1730804, StructureLoss.structure(logits, mask).getFloat(), 1e-6);
        }
    }

    @Test
    void separableBoxFilterEqualsTheOriginal2dPooling() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray mask = m.randomUniform(0, 1, new Shape(2, 1, 40, 37)).gt(0.7).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            NDArray direct = Pool.avgPool2d(mask, new Shape(31, 31), new Shape(1, 1), new Shape(15, 15), false, true)
                    .sub(mask).abs().mul(5).add(1);
            assertArrayEquals(direct.toFloatArray(), StructureLoss.boundaryWeights(mask).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void totalIsTheSumOfFourStructureTermsAndTheEdgeTerm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray mask = m.zeros(new Shape(1, 1, 4, 4));
            NDArray z = m.zeros(new Shape(1, 1, 4, 4));
            NDList outs = new NDList(z, z, z, z, z);
            StructureLoss.Terms t = StructureLoss.of(outs, mask, mask);
            assertEquals(4 * 1.5820361 + Math.log(2), t.total().getFloat(), 1e-5);
        }
    }
}
