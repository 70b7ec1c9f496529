package org.infnet.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.infer.Progress;
import org.infnet.io.HuWindow;
import org.infnet.model.InfNetModel;
import org.infnet.model.ModelLocator;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomVolume;

/**
 * {@code bench --rss N [--model NAME|DIR] [--batch 4]}: segments N 512x512 phantom HU slices in one process,
 * {@code batch} slices per {@link InfectionSegmenter#segment} call (the path of the Fiji command and of
 * {@code segment}), cycling over 8 distinct slices, and prints the resident set size ({@code VmRSS}, after a
 * {@link System#gc()}) every N/10 slices with the JVM's share of it (committed Java heap and committed non-heap:
 * code cache, metaspace; the rest is native: PyTorch, the allocator, thread stacks), then the ratio RSS(N) /
 * RSS(N/10) (target: at most 1.05).
 */
final class RssBench {

    private RssBench() {}

    static void run(Args a, PrintStream out) throws Exception {
        int total = a.integer("rss", 1000);
        int batch = BenchCli.batches(a, "4")[0];
        int every = Math.max(batch, total / 10);
        PhantomVolume v = new PhantomGenerator(5).volume(PhantomGenerator.Params.defaults(), 8, 5.0);
        int plane = v.width() * v.height();
        try (InfNetModel model = BenchCli.open(a.get("model", ModelLocator.DEFAULT))) {
            model.freeze();
            InfectionSegmenter seg = new InfectionSegmenter(model, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, batch));
            out.println("slices,VmRSS_MB,java_heap_committed_MB,java_nonheap_committed_MB,rest_MB,seconds");
            long t0 = System.nanoTime();
            double first = Double.NaN;
            double last = Double.NaN;
            int done = 0;
            int next = every;
            while (done < total) {
                int n = Math.min(batch, total - done);
                float[] hu = new float[plane * n];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(v.hu(), ((done + i) % v.depth()) * plane, hu, i * plane, plane);
                }
                Img<FloatType> img = ArrayImgs.floats(hu, v.width(), v.height(), n);
                seg.segment(img, Progress.NONE);
                done += n;
                if (done >= next || done == total) {
                    double rss = rssAfterGc();
                    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
                    double heap = mem.getHeapMemoryUsage().getCommitted() / 1048576.0;
                    double nonHeap = mem.getNonHeapMemoryUsage().getCommitted() / 1048576.0;
                    out.printf(Locale.ROOT, "%d,%.1f,%.1f,%.1f,%.1f,%.1f%n", done, rss, heap, nonHeap, rss - heap - nonHeap,
                            (System.nanoTime() - t0) / 1e9);
                    if (Double.isNaN(first)) {
                        first = rss;
                    }
                    last = rss;
                    next += every;
                }
            }
            out.printf(Locale.ROOT, "RSS after %d slices / after %d slices = %.1f / %.1f MB = %.3f (target <= 1.05)%n",
                    total, every, last, first, last / first);
            out.println(BenchCli.figure("rss_ratio." + model.descriptor().architecture(), last / first));
        }
    }

    /** {@code VmRSS} in MB after two collections. */
    static double rssAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(100);
        System.gc();
        Thread.sleep(100);
        return org.infnet.io.NativeHeap.statusMb("VmRSS");
    }
}
