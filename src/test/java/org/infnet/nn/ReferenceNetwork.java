package org.infnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test fixtures around the shared reference tables and the parity oracle. */
final class ReferenceNetwork {

    static final Path REFERENCE = Path.of("..", "shared", "reference");
    static final Path INFNET_TABLE = REFERENCE.resolve("infnet-res2net50-state-dict.tsv");
    static final Path UNET_TABLE = REFERENCE.resolve("multiclass-unet-state-dict.tsv");
    static final Path PARITY = REFERENCE.resolve("parity");

    private ReferenceNetwork() {}

    static ReferenceTable infnetTable() throws IOException {
        if (!Files.exists(INFNET_TABLE)) {
            throw new IllegalStateException("The reference tables must be at " + INFNET_TABLE.toAbsolutePath());
        }
        return ReferenceTable.read(INFNET_TABLE);
    }

    static ReferenceTable unetTable() throws IOException {
        if (!Files.exists(UNET_TABLE)) {
            throw new IllegalStateException("The reference tables must be at " + UNET_TABLE.toAbsolutePath());
        }
        return ReferenceTable.read(UNET_TABLE);
    }

    /** PARITY.md's closed-formula value of flat index i of row k. */
    static double hashUniform(long i, long k) {
        long h = (i * 2654435761L + k * 40503L + 12345L) & 0xFFFFFFFFL;
        h ^= h >>> 16;
        h = (h * 0x45d9f3bL) & 0xFFFFFFFFL;
        h ^= h >>> 16;
        return 2.0 * (h / 4294967296.0) - 1.0;
    }

    /** The closed-formula tensor of one reference row, as PARITY.md defines it. */
    static float[] formulaValues(ReferenceTable.Row row) {
        int n = (int) row.size();
        float[] v = new float[n];
        String name = row.name();
        long fanIn = 1;
        for (int d = 1; d < row.shape().length; d++) {
            fanIn *= row.shape()[d];
        }
        double convScale = Math.sqrt(3.0 / fanIn);
        for (int i = 0; i < n; i++) {
            double s = hashUniform(i, row.index());
            double x;
            if (name.endsWith("running_mean")) {
                x = 0.1 * s;
            } else if (name.endsWith("running_var")) {
                x = 1 + 0.5 * s;
            } else if (name.endsWith("bias")) {
                x = 0.1 * s;
            } else if (row.shape().length >= 2) {
                x = convScale * s;
            } else {
                x = 1 + 0.1 * s;
            }
            v[i] = (float) x;
        }
        return v;
    }

    /** Fills every mapped parameter of {@code params} by the formula; returns the number of rows used. */
    static int fillByFormula(ReferenceTable table, Map<String, Parameter> params) {
        int used = 0;
        for (ReferenceTable.Row row : table.rows()) {
            Parameter p = params.get(row.name());
            if (p == null) {
                continue;
            }
            NDArray a = p.getArray();
            a.set(formulaValues(row));
            used++;
        }
        return used;
    }

    /** Trainable values of a network (batch-norm running statistics excluded). */
    static long trainableValues(ai.djl.nn.Block net) {
        return net.getParameters().values().stream().filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().size()).sum();
    }

    /** Sorted shapes of a network's trainable parameters. */
    static java.util.List<String> trainableShapes(ai.djl.nn.Block net) {
        return net.getParameters().values().stream().filter(Parameter::requiresGradient)
                .map(p -> p.getArray().getShape().toString()).sorted().toList();
    }

    /** Sorted shapes of a table's trainable rows (buffers excluded) that {@code keep} accepts. */
    static java.util.List<String> referenceTrainableShapes(ReferenceTable table, java.util.function.Predicate<String> keep) {
        return table.rows().stream().filter(r -> !ReferenceNames.isBufferName(r.name()) && keep.test(r.name()))
                .map(r -> new ai.djl.ndarray.types.Shape(r.shape()).toString()).sorted().toList();
    }

    /** Max abs difference between an output and a parity oracle file of the same length. */
    static double maxAbsDiff(String parityFile, NDArray out) throws IOException {
        float[] ref = readF32(PARITY.resolve(parityFile));
        float[] got = out.toFloatArray();
        if (ref.length != got.length) {
            throw new AssertionError(parityFile + ": " + ref.length + " values, output has " + got.length);
        }
        double max = 0;
        for (int j = 0; j < ref.length; j++) {
            max = Math.max(max, Math.abs(ref[j] - got[j]));
        }
        return max;
    }

    static float[] readF32(Path file) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    /** PARITY.md's inputs: x[0,c,y,x] = sin(0.031x + 0.017y + 1.3c + phase) (phase 0 for Inf-Net, 0.5 for the U-Net). */
    static NDArray parityInput(NDManager m, int channels, double phase) {
        int s = 352;
        float[] v = new float[channels * s * s];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    v[(c * s + y) * s + x] = (float) Math.sin(0.031 * x + 0.017 * y + 1.3 * c + phase);
                }
            }
        }
        return m.create(v, new ai.djl.ndarray.types.Shape(1, channels, s, s));
    }
}
