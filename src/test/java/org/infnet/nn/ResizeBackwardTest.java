package org.infnet.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gradient of a resize must stay correct when the garbage collector runs between the forward
 * and the backward pass. On the CPU, DJL's {@code NDManager.create} wraps the Java buffer without
 * copying ({@code torch::from_blob}); if Resize closed such an interpolation matrix after the matrix
 * product, the autograd graph would keep a tensor over memory the collector frees and reuses, and
 * training would read garbage (random NaN losses a few epochs in).
 */
class ResizeBackwardTest {

    @Test
    void gradientSurvivesGarbageCollectionBetweenForwardAndBackward() throws Exception {
        int n = 16;
        int s = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(1, 1, n, n));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Resize.scale(x, s, false);
                NDArray loss = y.sum();
                // drop the wrapped Java buffers and overwrite freed native memory with NaNs
                List<ByteBuffer> junk = new ArrayList<>();
                for (int round = 0; round < 5; round++) {
                    System.gc();
                    Thread.sleep(20);
                    for (int k = 0; k < 200; k++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(4 * n * n * s).order(ByteOrder.nativeOrder());
                        while (b.remaining() >= 4) {
                            b.putFloat(Float.NaN);
                        }
                        junk.add(b);
                    }
                }
                gc.backward(loss);
                junk.clear();
            }
            // d sum(R_h x R_w^T) / dx[i][j] = colsum(R_h)[i] * colsum(R_w)[j]
            float[] r = Resize.matrix(n, n * s, false, s);
            float[] col = new float[n];
            for (int o = 0; o < n * s; o++) {
                for (int i = 0; i < n; i++) {
                    col[i] += r[o * n + i];
                }
            }
            float[] expected = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    expected[i * n + j] = col[i] * col[j];
                }
            }
            assertArrayEquals(expected, x.getGradient().toFloatArray(), 1e-4f);
        }
    }
}
