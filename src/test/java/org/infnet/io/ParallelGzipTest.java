package org.infnet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Parallel gzip writes members that any gzip reader decodes as the original bytes, in order. */
class ParallelGzipTest {

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 1000 < 500 ? i / 7 : r.nextInt(256)); // part compressible, part noise
        }
        return b;
    }

    private static byte[] gunzip(byte[] z) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(z))) {
            return in.readAllBytes();
        }
    }

    @Test
    void severalMembersDecodeToHeadThenBody() throws IOException {
        byte[] head = "header-352-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = data(2 * ParallelGzip.CHUNK + 12345);
        byte[] expected = new byte[head.length + body.length];
        System.arraycopy(head, 0, expected, 0, head.length);
        System.arraycopy(body, 0, expected, head.length, body.length);
        for (ParallelGzip.Compression c : ParallelGzip.Compression.values()) {
            for (int threads : new int[] {1, 2, 3}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ParallelGzip.write(out, head, ParallelGzip.Body.of(body), threads, c);
                byte[] z = out.toByteArray();
                assertArrayEquals(expected, gunzip(z), c + ", " + threads + " threads");
            int members = 0;
            for (int i = 0; i + 2 < z.length; i++) {
                if (z[i] == 0x1f && (z[i + 1] & 0xff) == 0x8b && z[i + 2] == 8 && (i == 0 || isTrailerEnd(z, i))) {
                    members++;
                }
            }
                // stored data are written as one member on the calling thread: nothing to compress in parallel
                assertEquals(threads == 1 || c == ParallelGzip.Compression.STORED ? 1 : 3, members,
                        c + ", " + threads + " threads: gzip members");
            }
        }
    }

    @Test
    void floatAndShortBodiesAreEncodedLittleEndianChunkByChunk() throws IOException {
        float[] f = new float[ParallelGzip.CHUNK / 4 * 2 + 1234]; // more than two chunks
        short[] s = new short[ParallelGzip.CHUNK / 2 + 77];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) Math.sin(i) * 1000;
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (i * 31 - 20000);
        }
        byte[] head = {9, 8, 7};
        for (int threads : new int[] {1, 2}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ParallelGzip.write(out, head, ParallelGzip.Body.littleEndian(f), threads, ParallelGzip.Compression.STORED);
            ByteBuffer b = ByteBuffer.wrap(gunzip(out.toByteArray())).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(head.length + 4 * f.length, b.remaining());
            assertEquals(9, b.get());
            b.position(head.length);
            for (float v : f) {
                assertEquals(v, b.getFloat(), 0f);
            }
            out.reset();
            ParallelGzip.write(out, new byte[0], ParallelGzip.Body.littleEndian(s), threads,
                    ParallelGzip.Compression.DEFAULT);
            b = ByteBuffer.wrap(gunzip(out.toByteArray())).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(2 * s.length, b.remaining());
            for (short v : s) {
                assertEquals(v, b.getShort());
            }
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            ParallelGzip.Body.littleEndian(s).writeTo(raw);
            assertArrayEquals(Arrays.copyOf(gunzip(out.toByteArray()), 2 * s.length), raw.toByteArray());
        }
    }

    @Test
    void storedKeepsEveryByteAsItIs() throws IOException {
        byte[] zeros = new byte[1 << 20]; // as compressible as data can be
        ByteArrayOutputStream def = new ByteArrayOutputStream();
        ParallelGzip.write(def, new byte[0], ParallelGzip.Body.of(zeros), 1, ParallelGzip.Compression.DEFAULT);
        assertTrue(def.size() < zeros.length / 100, "default " + def.size());
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        ParallelGzip.write(stored, new byte[0], ParallelGzip.Body.of(zeros), 1, ParallelGzip.Compression.STORED);
        assertArrayEquals(zeros, gunzip(stored.toByteArray()));
        // stored blocks: the data, 5 bytes per block of at most 64 KiB, the gzip header and trailer
        assertTrue(stored.size() >= zeros.length && stored.size() < zeros.length + 1024, "stored " + stored.size());
    }

    /** Whether a member ends just before {@code i}: its trailer's length field is the uncompressed member size. */
    private static boolean isTrailerEnd(byte[] z, int i) {
        int isize = (z[i - 4] & 0xff) | (z[i - 3] & 0xff) << 8 | (z[i - 2] & 0xff) << 16 | (z[i - 1] & 0xff) << 24;
        return isize == ParallelGzip.CHUNK || isize == ParallelGzip.CHUNK + "header-352-bytes".length();
    }

    @Test
    void emptyBodyIsOneMember() throws IOException {
        for (ParallelGzip.Compression c : ParallelGzip.Compression.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ParallelGzip.write(out, new byte[] {1, 2, 3}, ParallelGzip.Body.of(new byte[0]), 4, c);
            assertArrayEquals(new byte[] {1, 2, 3}, gunzip(out.toByteArray()), c.toString());
            out.reset();
            ParallelGzip.write(out, new byte[0], ParallelGzip.Body.of(new byte[0]), 4, c);
            assertArrayEquals(new byte[0], gunzip(out.toByteArray()), c + ", nothing at all");
        }
    }

    @Test
    void storedIsReadByZlibsInflaterAsRawDeflate() throws IOException, java.util.zip.DataFormatException {
        // bodies of n bytes: less than a block, one block exactly and one value more, the eight-block staging buffer
        // exactly full and one value more, and several buffers (the head is written in blocks of its own)
        int k = ParallelGzip.STORED_BLOCK;
        for (int n : new int[] {4, k - 4, k, k + 4, 8 * k, 8 * k + 4, 20 * k + 8}) {
            float[] f = new float[n / 4];
            for (int i = 0; i < f.length; i++) {
                f[i] = i * 0.5f - 7;
            }
            byte[] head = data(n % 999 + 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ParallelGzip.write(out, head, ParallelGzip.Body.littleEndian(f), 2, ParallelGzip.Compression.STORED);
            byte[] z = out.toByteArray();
            // the deflate stream alone, between the 10-byte header and the 8-byte trailer
            java.util.zip.Inflater inf = new java.util.zip.Inflater(true);
            inf.setInput(z, 10, z.length - 18);
            byte[] plain = new byte[head.length + 4 * f.length];
            assertEquals(plain.length, inf.inflate(plain));
            assertTrue(inf.finished(), n + ": the last block is marked final");
            inf.end();
            ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
            assertArrayEquals(head, Arrays.copyOf(plain, head.length));
            b.position(head.length);
            for (float v : f) {
                assertEquals(v, b.getFloat(), 0f);
            }
            assertArrayEquals(plain, gunzip(z), n + ": CRC and length in the trailer");
        }
    }
}
