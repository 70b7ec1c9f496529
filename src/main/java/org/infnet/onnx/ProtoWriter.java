package org.infnet.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protocol-buffer wire format, as far as ONNX's {@code ModelProto} needs it: varint fields (wire type 0),
 * 32-bit floats (wire type 5) and length-delimited fields (wire type 2: strings, bytes, nested messages). A
 * message is built in memory; a nested message is written into its parent with {@link #message}.
 */
final class ProtoWriter {

    private final ByteArrayOutputStream buf;

    ProtoWriter() {
        this(64);
    }

    ProtoWriter(int capacity) {
        buf = new ByteArrayOutputStream(capacity);
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            buf.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buf.write((int) v);
    }

    /** An int32, int64 or enum field; negative values take ten bytes, as protobuf encodes them. */
    ProtoWriter int64(int field, long v) {
        tag(field, 0);
        varint(v);
        return this;
    }

    /** A float field (wire type 5, little-endian). */
    ProtoWriter float32(int field, float f) {
        tag(field, 5);
        int b = Float.floatToRawIntBits(f);
        buf.write(b);
        buf.write(b >>> 8);
        buf.write(b >>> 16);
        buf.write(b >>> 24);
        return this;
    }

    /** A UTF-8 string field. */
    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    ProtoWriter bytes(int field, byte[] b) {
        tag(field, 2);
        varint(b.length);
        buf.write(b, 0, b.length);
        return this;
    }

    /** A nested message field. */
    ProtoWriter message(int field, ProtoWriter m) {
        tag(field, 2);
        varint(m.buf.size());
        buf.write(m.buf.toByteArray(), 0, m.buf.size());
        return this;
    }

    /** Bytes already encoded as fields (e.g. a field copied by {@link ProtoReader#rawField}). */
    ProtoWriter raw(byte[] fields) {
        buf.write(fields, 0, fields.length);
        return this;
    }

    /** The tag and length of a length-delimited field whose {@code length} bytes the caller writes next. */
    void lengthDelimitedHeader(int field, long length) {
        tag(field, 2);
        varint(length);
    }

    /** The bytes written so far. */
    int size() {
        return buf.size();
    }

    /** The message as bytes. */
    byte[] toByteArray() {
        return buf.toByteArray();
    }

    /** Writes the message to {@code out}. */
    void writeTo(OutputStream out) throws IOException {
        buf.writeTo(out);
    }
}
