package org.infnet.nn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A state-dict table of the original implementation: one row per tensor, in state-dict order, with
 * the tensor's name and shape ({@code name<TAB>d0xd1x...}, {@code scalar} for 0-d tensors, a header
 * line starting with {@code #}).
 *
 * @param rows the rows in file order
 */
public record ReferenceTable(List<Row> rows) {

    /**
     * One tensor of the original state dict.
     *
     * @param index row number in file order, header excluded
     * @param name state-dict key
     * @param shape dimensions (empty for a scalar)
     */
    public record Row(int index, String name, long[] shape) {
        /** Number of values. */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The shape as {@code 32x3x3x3}. */
        public String shapeString() {
            return shape.length == 0 ? "scalar" : String.join("x", Arrays.stream(shape).mapToObj(Long::toString).toList());
        }
    }

    /** Reads a table file. */
    public static ReferenceTable read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 2) {
                throw new IOException(file + ": malformed row '" + line + "'");
            }
            long[] shape = f[1].equals("scalar")
                    ? new long[0]
                    : Arrays.stream(f[1].split("x")).mapToLong(Long::parseLong).toArray();
            rows.add(new Row(rows.size(), f[0], shape));
        }
        return new ReferenceTable(List.copyOf(rows));
    }
}
