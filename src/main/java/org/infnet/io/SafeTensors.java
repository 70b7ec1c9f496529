package org.infnet.io;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes float32 tensors in the safetensors format (an 8-byte little-endian header length,
 * a JSON header of {@code name -> {dtype, shape, data_offsets}} plus optional {@code __metadata__},
 * then the raw little-endian data). Files are written atomically (temporary file, then rename), so an
 * interrupted write never leaves a truncated weights file under the final name.
 */
public final class SafeTensors {

    private static final Gson GSON = new Gson();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    /**
     * A float32 tensor in C order.
     *
     * @param shape dimensions
     * @param data values, {@code product(shape)} of them
     */
    public record Tensor(long[] shape, float[] data) {
        /** Validates that the data length matches the shape. */
        public Tensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape holds " + n + " values but data has " + data.length);
            }
        }
    }

    /** Writes tensors (in map order) and string metadata atomically to {@code file}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            header.add("__metadata__", GSON.toJsonTree(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            t.add("shape", GSON.toJsonTree(e.getValue().shape()));
            long bytes = 4L * e.getValue().data().length;
            t.add("data_offsets", GSON.toJsonTree(new long[] {offset, offset + bytes}));
            header.add(e.getKey(), t);
            offset += bytes;
        }
        byte[] h = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - h.length % 8) % 8;
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length + pad);
            out.write(len.array());
            out.write(h);
            for (int i = 0; i < pad; i++) {
                out.write(' ');
            }
            writeData(out, tensors);
        });
    }

    private static void writeData(OutputStream out, Map<String, Tensor> tensors) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            for (float f : t.data()) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(f);
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    /** Reads a whole file; see {@link #read(InputStream, String)}. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": weights file not found");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads float32 tensors from a stream. Fails with an {@link IOException} naming {@code source}
     * and the problem for a truncated file, a corrupt header or an unsupported dtype.
     */
    public static Map<String, Tensor> read(InputStream in, String source) throws IOException {
        byte[] lenBytes = in.readNBytes(8);
        if (lenBytes.length < 8) {
            throw new IOException(source + ": not a safetensors file (shorter than its 8-byte header length)");
        }
        long hlen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (hlen <= 0 || hlen > MAX_HEADER) {
            throw new IOException(source + ": not a safetensors file (header length " + hlen + ")");
        }
        byte[] hb = in.readNBytes((int) hlen);
        if (hb.length < hlen) {
            throw new IOException(source + ": truncated in the header");
        }
        JsonObject header;
        try {
            header = GSON.fromJson(new String(hb, StandardCharsets.UTF_8).trim(), JsonObject.class);
        } catch (JsonParseException e) {
            throw new IOException(source + ": corrupt header (" + e.getMessage() + ")", e);
        }
        if (header == null) {
            throw new IOException(source + ": corrupt header (empty)");
        }
        byte[] data = in.readAllBytes();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            try {
                out.put(e.getKey(), tensor(e.getKey(), e.getValue(), data, source));
            } catch (RuntimeException ex) { // a header entry of the wrong shape: missing fields, wrong types
                throw new IOException(source + ": corrupt header entry for tensor " + e.getKey()
                        + " (dtype, shape or data_offsets missing or malformed)", ex);
            }
        }
        return out;
    }

    private static Tensor tensor(String name, JsonElement entry, byte[] data, String source) throws IOException {
        JsonObject t = entry.getAsJsonObject();
        String dtype = t.get("dtype").getAsString();
        if (!dtype.equals("F32")) {
            throw new IOException(source + ": tensor " + name + " has dtype " + dtype + " (only F32 is read)");
        }
        long[] shape = GSON.fromJson(t.get("shape"), long[].class);
        long[] off = GSON.fromJson(t.get("data_offsets"), long[].class);
        if (off[1] > data.length || off[0] < 0 || off[1] < off[0]) {
            throw new IOException(source + ": truncated (tensor " + name + " ends at byte " + off[1]
                    + " of a " + data.length + "-byte data section)");
        }
        float[] f = new float[(int) ((off[1] - off[0]) / 4)];
        ByteBuffer.wrap(data, (int) off[0], (int) (off[1] - off[0])).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(f);
        try {
            return new Tensor(shape, f);
        } catch (IllegalArgumentException ex) {
            throw new IOException(source + ": tensor " + name + ": " + ex.getMessage(), ex);
        }
    }

    /** The {@code __metadata__} strings of a file's header (empty when absent). */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] lenBytes = in.readNBytes(8);
            long hlen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (lenBytes.length < 8 || hlen <= 0 || hlen > MAX_HEADER) {
                throw new IOException(file + ": not a safetensors file");
            }
            JsonObject header = GSON.fromJson(new String(in.readNBytes((int) hlen), StandardCharsets.UTF_8).trim(),
                    JsonObject.class);
            Map<String, String> md = new LinkedHashMap<>();
            if (header.has("__metadata__")) {
                header.getAsJsonObject("__metadata__").entrySet()
                        .forEach(e -> md.put(e.getKey(), e.getValue().getAsString()));
            }
            return md;
        }
    }
}
