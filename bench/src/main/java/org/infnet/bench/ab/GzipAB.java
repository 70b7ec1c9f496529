package org.infnet.bench.ab;

import java.io.*; import java.nio.file.*; import java.util.*; import java.util.zip.*;
import org.infnet.io.ParallelGzip; import org.infnet.io.nifti.NiftiReader;
// Times reading a .nii.gz volume (NiftiReader.read) and re-compressing its bytes with each ParallelGzip.Compression,
// and with Huffman coding only (zlib's HUFFMAN_ONLY strategy, 4 MB members on the same threads; the product's
// setting for float32 before it moved to stored blocks).
// For the README's figures: `java -jar bench/target/Inf_Net-bench.jar bench --volume 300 --format nifti --batch 4 --keep K`, then
// `java -jar target/Inf_Net.jar segment K/input/phantom.nii.gz --output P`, then from the repository root:
//   java -cp "bench/target/Inf_Net-bench.jar:bench/target/lib/*" org.infnet.bench.ab.GzipAB P/phantom_prob.nii.gz [THREADS]
// (the read time of the HU input itself: the same with K/input/phantom.nii.gz)
public class GzipAB {
  public static void main(String[] a) throws Exception {
    Path file = Path.of(a[0]);
    int threads = a.length > 1 ? Integer.parseInt(a[1]) : Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime(); NiftiReader.read(file);
      System.out.printf(Locale.ROOT, "NiftiReader.read: %.2f s%n", (System.nanoTime() - t0) / 1e9);
    }
    byte[] body;
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), 1 << 16)) {
      body = in.readAllBytes();
    }
    for (int rep = 0; rep < 2; rep++) {
      for (ParallelGzip.Compression c : ParallelGzip.Compression.values()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        long t0 = System.nanoTime();
        ParallelGzip.write(out, new byte[0], ParallelGzip.Body.of(body), threads, c);
        System.out.printf(Locale.ROOT, "%s, %d threads: %.2f s, %.1f %% of %d bytes%n", c, threads,
            (System.nanoTime() - t0) / 1e9, 100.0 * out.size() / body.length, body.length);
      }
      long t0 = System.nanoTime();
      long size = huffmanOnly(body, threads);
      System.out.printf(Locale.ROOT, "HUFFMAN_ONLY, %d threads: %.2f s, %.1f %% of %d bytes%n", threads,
          (System.nanoTime() - t0) / 1e9, 100.0 * size / body.length, body.length);
    }
  }

  /** Gzip members of 4 MB deflated with Huffman coding only on {@code threads} threads; returns the total size. */
  static long huffmanOnly(byte[] body, int threads) throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<Integer>> parts = new ArrayList<>();
      for (int from = 0; from < body.length; from += 4 << 20) {
        int start = from, end = Math.min(body.length, from + (4 << 20));
        parts.add(pool.submit(() -> {
          ByteArrayOutputStream b = new ByteArrayOutputStream(4 << 20);
          try (GZIPOutputStream z = new GZIPOutputStream(b, 1 << 16) { { def.setStrategy(Deflater.HUFFMAN_ONLY); } }) {
            z.write(body, start, end - start);
          }
          return b.size();
        }));
      }
      long total = 0;
      for (var f : parts) total += f.get();
      return total;
    } finally {
      pool.shutdown();
    }
  }
}
