package org.infnet.nn;

import java.io.IOException;
import java.io.InputStream;
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

    /** The bundled tables, by name (file {@code NAME-state-dict.tsv} under {@code reference/}). */
    public static final List<String> BUNDLED = List.of("infnet-res2net50", "multiclass-unet");

    /** Reads a table file. */
    public static ReferenceTable read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * A table bundled with the product ({@code infnet-res2net50} or {@code multiclass-unet}), a copy of
     * the original implementation's state-dict listing.
     */
    public static ReferenceTable bundled(String name) throws IOException {
        if (!BUNDLED.contains(name)) {
            throw new IOException("no bundled reference table '" + name + "' (known: " + BUNDLED + ")");
        }
        String res = "reference/" + name + "-state-dict.tsv";
        try (InputStream in = ReferenceTable.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IOException("bundled reference table " + res + " is missing from the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(), res);
        }
    }

    private static ReferenceTable parse(List<String> lines, String file) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : lines) {
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
