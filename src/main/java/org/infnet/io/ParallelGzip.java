package org.infnet.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import org.infnet.util.Workers;

/**
 * Gzip compression on several threads, as {@code pigz} does it: the data are cut into chunks, each chunk becomes a
 * complete gzip member, and the members are written in order. A file of concatenated members is a valid gzip file
 * (RFC 1952, section 2.2); zlib, Python's {@code gzip}, {@link java.util.zip.GZIPInputStream}, ITK and nibabel read
 * it as one stream. At most {@code 2 x threads} compressed chunks are held at once. Stored data
 * ({@link Compression#STORED}) have nothing to compress and are written as one member by the calling thread.
 */
public final class ParallelGzip {

    /** Uncompressed bytes per gzip member. */
    static final int CHUNK = 4 << 20;

    /** How the body is deflated. */
    public enum Compression {
        /** zlib's default (level 6): for data with repeats, such as label masks and CT in int16. */
        DEFAULT,
        /**
         * Stored deflate blocks, no compression (the file is still valid gzip, checked by its CRC), written by
         * {@link #stored}: for data that deflate barely shortens, such as float32 probabilities, whose low mantissa
         * bytes are noise. On a 300-slice probability volume (314 MB, {@code org.infnet.bench.ab.GzipAB}, when this was
         * zlib at level 0 on 2 threads): 0.3-0.5 s at 100 % of the raw size, against 5.4-5.7 s and 88.2 % at level 6
         * and, with Huffman coding only, 2.0-2.3 s and 90.6 %. Written directly, to a file: 0.38-0.48 s against
         * 0.57-1.62 s for zlib at level 0 ({@code org.infnet.bench.ab.WriteProb}).
         */
        STORED
    }

    private ParallelGzip() {}

    /**
     * The bytes to compress: {@code length} bytes that {@code encoder} produces a chunk at a time (so that, say, a
     * float volume is never copied whole into bytes).
     */
    public record Body(int length, Encoder encoder) {

        /**
         * Writes bytes {@code [from, from + n)} of a body to {@code dst[off, off + n)}; {@code from} and {@code n} are
         * multiples of the body's element size.
         */
        @FunctionalInterface
        public interface Encoder {
            void encode(int from, byte[] dst, int off, int n);
        }

        /** The bytes of {@code b} as they are. */
        public static Body of(byte[] b) {
            return new Body(b.length, (from, dst, off, n) -> System.arraycopy(b, from, dst, off, n));
        }

        /** {@code values} as little-endian float32 (4 bytes each). */
        public static Body littleEndian(float[] values) {
            return new Body(Math.multiplyExact(values.length, 4), (from, dst, off, n) -> ByteBuffer.wrap(dst, off, n)
                    .slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values, from / 4, n / 4));
        }

        /** {@code values} as little-endian int16 (2 bytes each). */
        public static Body littleEndian(short[] values) {
            return new Body(Math.multiplyExact(values.length, 2), (from, dst, off, n) -> ByteBuffer.wrap(dst, off, n)
                    .slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(values, from / 2, n / 2));
        }

        /** Writes all the bytes to {@code out} uncompressed. */
        public void writeTo(OutputStream out) throws IOException {
            writeTo(out, 0, length);
        }

        /** Writes bytes {@code [from, to)} to {@code out}, encoded a chunk of at most {@link #CHUNK} at a time. */
        void writeTo(OutputStream out, int from, int to) throws IOException {
            byte[] chunk = new byte[Math.min(CHUNK, to - from)];
            for (int at = from; at < to; at += chunk.length) {
                int n = Math.min(chunk.length, to - at);
                encoder.encode(at, chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }

    /**
     * Writes {@code head} followed by {@code body}, gzip-compressed, to {@code out} (not closed); {@code body} is
     * encoded a chunk at a time on the compression threads. {@link Compression#STORED} is written as one member on
     * the calling thread instead ({@link #stored}): it has nothing to compress.
     *
     * @param threads compression threads (1: the calling thread only)
     * @param compression how the body is deflated
     */
    public static void write(OutputStream out, byte[] head, Body body, int threads, Compression compression)
            throws IOException {
        if (compression == Compression.STORED) {
            stored(out, head, body);
            return;
        }
        int length = body.length();
        if (threads <= 1 || length <= CHUNK) {
            member(out, head, body, 0, length);
            return;
        }
        ExecutorService pool = Workers.pool("infnet-gzip", threads);
        try {
            Deque<CompletableFuture<byte[]>> pending = new ArrayDeque<>();
            for (int from = 0; from < length; from += CHUNK) {
                int start = from;
                int end = Math.min(length, from + CHUNK);
                byte[] first = start == 0 ? head : new byte[0];
                pending.add(CompletableFuture.supplyAsync(() -> {
                    ByteArrayOutputStream b = new ByteArrayOutputStream(CHUNK);
                    try {
                        member(b, first, body, start, end);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                    return b.toByteArray();
                }, pool));
                if (pending.size() >= 2 * threads) {
                    out.write(take(pending));
                }
            }
            while (!pending.isEmpty()) {
                out.write(take(pending));
            }
        } finally {
            Workers.stop(pool, true);
        }
    }

    /**
     * Bytes per stored deflate block: at most 65535 (RFC 1951, 3.2.4: LEN is 16 bits), and a multiple of every
     * body's element size so that a block never splits a value.
     */
    static final int STORED_BLOCK = 65532;

    /** Stored blocks staged per write to {@code out}. */
    private static final int STAGED_BLOCKS = 8;

    /**
     * One gzip member of stored deflate blocks written straight to {@code out}: each block's 5-byte header and its
     * bytes are staged in one buffer that the body encodes into, and the CRC is taken there, so the data are copied
     * once on their way to {@code out}. zlib at level 0 writes the same format, but through its window into a
     * buffer per member on the compression threads, which are then copied again.
     */
    static void stored(OutputStream out, byte[] head, Body body) throws IOException {
        long total = (long) head.length + body.length();
        CRC32 crc = new CRC32();
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}); // no name, no mtime, OS unknown
        byte[] stage = new byte[STAGED_BLOCKS * (5 + STORED_BLOCK)];
        long written = 0;
        boolean last = false;
        // the head in blocks of its own, then the body: a stored block may be of any length up to 65535
        for (int part = 0; part < 2 && !last; part++) {
            int length = part == 0 ? head.length : body.length();
            int at = 0;
            while (!last && (at < length || total == 0)) {
                int used = 0;
                while (!last && used < stage.length && (at < length || total == 0)) {
                    int n = Math.min(STORED_BLOCK, length - at);
                    if (part == 0) {
                        System.arraycopy(head, at, stage, used + 5, n);
                    } else {
                        body.encoder().encode(at, stage, used + 5, n);
                    }
                    crc.update(stage, used + 5, n);
                    written += n;
                    at += n;
                    last = written == total; // BFINAL on the last block (the only one, empty, of an empty member)
                    stage[used] = (byte) (last ? 1 : 0); // BTYPE 00: stored
                    stage[used + 1] = (byte) n;
                    stage[used + 2] = (byte) (n >>> 8);
                    stage[used + 3] = (byte) ~n;
                    stage[used + 4] = (byte) (~n >>> 8);
                    used += 5 + n;
                }
                out.write(stage, 0, used);
            }
        }
        long c = crc.getValue();
        out.write(new byte[] {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24), (byte) total,
                (byte) (total >>> 8), (byte) (total >>> 16), (byte) (total >>> 24)});
    }

    private static byte[] take(Deque<CompletableFuture<byte[]>> pending) throws IOException {
        try {
            return pending.removeFirst().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /** One gzip member of {@code head} + {@code body[from, to)} at zlib's default level; {@code out} is left open. */
    private static void member(OutputStream out, byte[] head, Body body, int from, int to) throws IOException {
        OutputStream open = new OutputStream() { // closing the member must not close out
            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }
        };
        try (GZIPOutputStream z = new GZIPOutputStream(open, 1 << 16)) { // close() also frees the native deflater
            z.write(head);
            body.writeTo(z, from, to);
        }
    }
}
