package org.infnet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.infnet.cli.Args;
import org.infnet.infer.InfectionSegmenter;
import org.infnet.model.InferenceEngine;
import org.infnet.infer.Progress;
import org.infnet.image.HuWindow;
import org.infnet.engine.NativeHeap;
import org.infnet.model.ModelLocator;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
import org.infnet.phantom.PhantomGenerator;
import org.infnet.phantom.PhantomVolume;

/**
 * {@code bench --rss N [--model NAME|DIR] [--batch 4] [--gc] [--trim] [--maps] [--pause MS]}: segments N 512x512
 * phantom HU slices in one process, {@code batch} slices per {@link InfectionSegmenter#segment} call (the path of
 * the Fiji command and of {@code segment}), cycling over 8 distinct slices, and prints the resident set size
 * ({@code VmRSS}) every N/10 slices with the JVM's share of it (committed Java heap and committed non-heap: code
 * cache, metaspace; the rest is native memory, PyTorch, the allocator, thread stacks, minus committed heap pages not
 * touched yet) and the peak RSS since the previous sample ({@code window_peak_MB}, Linux 4.0+: the peak is reset
 * after each sample), then two ratios (target: at most 1.05): RSS(N) / RSS(N/10), the RSS at two instants, and the
 * peak RSS over the last N/10 slices / over the first N/10, which does not depend on where in the allocator's cycle
 * an instant falls (glibc gives a freed arena heap back and takes a new one within a batch, so the RSS at an instant
 * after a batch moves by up to ~100 MB while the peak over a stretch of slices does not).
 *
 * <p>By default the process is measured as it runs, as {@code ps} would see it during a batch job. {@code --gc}
 * forces two full collections before each sample (the JVM then shrinks its heap, and later touches its pages
 * again: with the default collector this, not the work, makes RSS grow between samples). {@code --trim} adds, after
 * each sample, the RSS once the native allocator has given its free memory back ({@link NativeHeap#trim()}): memory
 * in use, so that a leak (which grows it) can be told from memory the allocator keeps for reuse (which it does
 * not); trimming changes the later samples too. {@code --maps} adds the resident size by kind of mapping
 * ({@link #residentByMapping}). {@code --pause MS} waits after each sample, a quiet moment for an outside tool to
 * read {@code /proc/PID/smaps} ({@code bench/rss_native.sh}).
 */
final class RssBench {

    private RssBench() {}

    /**
     * One sample: RSS in MB, the peak RSS since the previous sample (NaN where it cannot be measured), and RSS after
     * trimming the native heap (NaN unless {@code --trim}).
     */
    private record Sample(double rss, double peak, double trimmed) {}

    static void run(Args a, PrintStream out) throws Exception {
        int total = a.integer("rss", 1000);
        int batch = BenchCli.batches(a, "4")[0];
        int every = Math.max(batch, total / 10);
        boolean gc = a.has("gc");
        boolean trim = a.has("trim");
        boolean maps = a.has("maps");
        long pauseMs = a.integer("pause", 0);
        PhantomVolume v = new PhantomGenerator(5).volume(PhantomGenerator.Params.defaults(), 8, 5.0);
        int plane = v.width() * v.height();
        try (NetworkModel<InfNet> model = BenchCli.open(a.get("model", ModelLocator.DEFAULT))) {
            InferenceEngine engine = BenchCli.engines(a, InferenceEngine.DEFAULT.id()).get(0);
            out.println("engine: " + engine.id());
            if (engine == InferenceEngine.PYTORCH) {
                model.freeze();
            }
            InfectionSegmenter seg = new InfectionSegmenter(model, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, batch),
                    engine);
            out.println("slices,VmRSS_MB,java_heap_committed_MB,java_nonheap_committed_MB,rest_MB,seconds,window_peak_MB"
                    + (trim ? ",trimmed_VmRSS_MB" : ""));
            boolean peaks = NativeHeap.resetPeak(); // the window peaks leave out loading the model
            long t0 = System.nanoTime();
            Sample first = null;
            Sample last = null;
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
                    if (gc) {
                        collect();
                    }
                    double rss = NativeHeap.statusMb("VmRSS");
                    double peak = peaks ? NativeHeap.statusMb("VmHWM") : Double.NaN;
                    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
                    double heap = mem.getHeapMemoryUsage().getCommitted() / 1048576.0;
                    double nonHeap = mem.getNonHeapMemoryUsage().getCommitted() / 1048576.0;
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double trimmed = trim && NativeHeap.trim() != null ? NativeHeap.statusMb("VmRSS") : Double.NaN;
                    out.printf(Locale.ROOT, "%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f%s%n", done, rss, heap, nonHeap,
                            rss - heap - nonHeap, seconds, peak,
                            trim ? String.format(Locale.ROOT, ",%.1f", trimmed) : "");
                    if (maps) {
                        out.println("  resident by mapping: " + residentByMapping());
                    }
                    out.flush();
                    Thread.sleep(pauseMs);
                    if (peaks) {
                        NativeHeap.resetPeak();
                    }
                    last = new Sample(rss, peak, trimmed);
                    if (first == null) {
                        first = last;
                    }
                    next += every;
                }
            }
            out.printf(Locale.ROOT, "RSS after %d slices / after %d slices%s = %.1f / %.1f MB = %.3f (target <= 1.05)%n",
                    total, every, gc ? " (each after full collections)" : "", last.rss(), first.rss(),
                    last.rss() / first.rss());
            String arch = model.descriptor().architecture() + (gc ? ".gc" : "");
            out.println(BenchCli.figure("rss_ratio." + arch, last.rss() / first.rss()));
            if (peaks) {
                out.printf(Locale.ROOT, "peak RSS over the last %d slices / over the first %d = %.1f / %.1f MB = %.3f"
                        + " (target <= 1.05)%n", every, every, last.peak(), first.peak(), last.peak() / first.peak());
                out.println(BenchCli.figure("rss_peak_ratio." + arch, last.peak() / first.peak()));
            }
            if (trim) {
                out.printf(Locale.ROOT, "in use (RSS once the allocator's free memory is trimmed) after %d / after %d"
                        + " slices = %.1f / %.1f MB = %.3f%n", total, every, last.trimmed(), first.trimmed(),
                        last.trimmed() / first.trimmed());
            }
        }
    }

    /** Two full collections, each followed by 100 ms for the collector's cleanup to run. */
    private static void collect() throws InterruptedException {
        System.gc();
        Thread.sleep(100);
        System.gc();
        Thread.sleep(100);
    }

    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) \\S+ \\S+ \\S+ \\S+\\s*(\\S*)");

    /**
     * The resident size of the process's mappings ({@code /proc/self/smaps}) in four groups: glibc's arena heaps (the
     * anonymous mappings aligned to, and at most, 64 MB), its main heap ({@code [heap]}), the other anonymous
     * mappings (the Java heap, thread stacks, the JVM's own memory) and files (libraries, the class-data archive).
     */
    static String residentByMapping() {
        long[] kb = new long[4];
        int group = 2;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                Matcher m = MAPPING.matcher(l);
                if (m.find()) {
                    long start = Long.parseUnsignedLong(m.group(1), 16);
                    long size = Long.parseUnsignedLong(m.group(2), 16) - start;
                    String name = m.group(3);
                    long arena = 64L << 20;
                    group = name.equals("[heap]") ? 1 : !name.isEmpty() ? 3
                            : (start & (arena - 1)) == 0 && size <= arena ? 0 : 2;
                } else if (l.startsWith("Rss:")) {
                    kb[group] += Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
        return String.format(Locale.ROOT, "glibc arenas %d MB, main heap %d MB, other anonymous (Java heap ...) %d MB,"
                + " files %d MB", kb[0] >> 10, kb[1] >> 10, kb[2] >> 10, kb[3] >> 10);
    }
}
