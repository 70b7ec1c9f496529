package org.infnet.io.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test helper: writes a float32 state dict in the zip layout of {@code torch.save} (protocol-2 pickle
 * of an OrderedDict of {@code _rebuild_tensor_v2} records, one storage file per tensor), so that
 * large synthetic checkpoints need no Python.
 */
public final class TorchWriter {

    private TorchWriter() {}

    /** Writes {@code tensors} (contiguous, float32) under the given top-level wrapper key (or none). */
    public static void write(Path file, Map<String, TorchTensor> tensors, String wrapperKey) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2});
        if (wrapperKey != null) {
            p.write('}');
            unicode(p, wrapperKey);
        }
        global(p, "collections", "OrderedDict");
        p.write(')');
        p.write('R');
        p.write('(');
        int key = 0;
        for (Map.Entry<String, TorchTensor> e : tensors.entrySet()) {
            long[] shape = e.getValue().shape();
            unicode(p, e.getKey());
            global(p, "torch._utils", "_rebuild_tensor_v2");
            p.write('(');
            p.write('(');
            unicode(p, "storage");
            global(p, "torch", "FloatStorage");
            unicode(p, Integer.toString(key++));
            unicode(p, "cpu");
            integer(p, e.getValue().data().length);
            p.write('t');
            p.write('Q');
            integer(p, 0);
            p.write('(');
            for (long d : shape) {
                integer(p, d);
            }
            p.write('t');
            p.write('(');
            long stride = 1;
            long[] strides = new long[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                strides[d] = stride;
                stride *= shape[d];
            }
            for (long s : strides) {
                integer(p, s);
            }
            p.write('t');
            p.write(0x89);
            global(p, "collections", "OrderedDict");
            p.write(')');
            p.write('R');
            p.write('t');
            p.write('R');
        }
        p.write('u');
        if (wrapperKey != null) {
            p.write('s');
        }
        p.write('.');
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            z.setLevel(Deflater.BEST_SPEED);
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(p.toByteArray());
            z.closeEntry();
            z.putNextEntry(new ZipEntry("archive/byteorder"));
            z.write("little".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
            key = 0;
            for (TorchTensor t : tensors.values()) {
                z.putNextEntry(new ZipEntry("archive/data/" + key++));
                float[] v = t.data();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                z.write(b.array());
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("archive/version"));
            z.write("3\n".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
        }
    }

    private static void global(OutputStream p, String module, String name) throws IOException {
        p.write('c');
        p.write((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void unicode(OutputStream p, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write('X');
        p.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        p.write(b);
    }

    private static void integer(OutputStream p, long v) throws IOException {
        p.write('J');
        p.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(Math.toIntExact(v)).array());
    }
}
