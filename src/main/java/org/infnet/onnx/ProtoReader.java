package org.infnet.onnx;

import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol-buffer wire format that {@link ProtoWriter} writes (varint, 64-bit, length-delimited and
 * 32-bit fields), one field at a time: {@link #next} advances to the next field, then exactly one of the value
 * methods reads it (or {@link #skip} passes over it).
 */
final class ProtoReader {

    private final byte[] b;
    private int pos;
    private final int end;
    private int field;
    private int wire;
    private int fieldStart;

    ProtoReader(byte[] b) {
        this(b, 0, b.length);
    }

    ProtoReader(byte[] b, int offset, int length) {
        this.b = b;
        this.pos = offset;
        this.end = offset + length;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        fieldStart = pos;
        long tag = varint();
        field = (int) (tag >>> 3);
        wire = (int) (tag & 7);
        return true;
    }

    int field() {
        return field;
    }

    int wire() {
        return wire;
    }

    /** A varint value (wire type 0). */
    long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated varint");
            }
            int x = b[pos++];
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }

    /** A 32-bit little-endian value (wire type 5). */
    int fixed32() {
        int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    /** The length of a length-delimited field, leaving the position at its first byte. */
    private int length() {
        long n = varint();
        if (n < 0 || n > end - pos) {
            throw new IllegalArgumentException("length " + n + " beyond the message");
        }
        return (int) n;
    }

    /** A length-delimited field's bytes (a copy). */
    byte[] bytes() {
        int n = length();
        byte[] out = new byte[n];
        System.arraycopy(b, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** A string field. */
    String string() {
        int n = length();
        String s = new String(b, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /** A nested message, read in place. */
    ProtoReader message() {
        int n = length();
        ProtoReader r = new ProtoReader(b, pos, n);
        pos += n;
        return r;
    }

    /** Passes over the current field's value. */
    void skip() {
        switch (wire) {
            case 0 -> varint();
            case 1 -> pos += 8;
            case 2 -> {
                int n = length(); // before reading pos: length() moves it past the length's varint
                pos += n;
            }
            case 5 -> pos += 4;
            default -> throw new IllegalArgumentException("unsupported wire type " + wire);
        }
    }

    /** The whole current field (tag and value) as bytes, for copying it unchanged; consumes the value. */
    byte[] rawField() {
        skip();
        byte[] out = new byte[pos - fieldStart];
        System.arraycopy(b, fieldStart, out, 0, out.length);
        return out;
    }
}
