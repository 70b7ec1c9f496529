package org.infnet.bench.ab;

// Quick A/B checks on the inference path, timed in CPU seconds of this process (robust on a shared machine),
// single-threaded engine. Run from the repository root after `mvn install` and `mvn -f bench/pom.xml package`:
//   java -cp "bench/target/Inf_Net-bench.jar:bench/target/lib/*" org.infnet.bench.ab.InferAB [slices=8] [runs=3]
// 1) gzip level for the NIfTI outputs (prob float32, mask uint8): default (6) vs BEST_SPEED (1), time and size;
// 2) share of the Java pre/post-processing (window, resize in, encode, resize back, threshold) in a slice;
// (bf16: bench/python/bf16_ab.py; DJL cannot cast an initialised block, and swapping its parameter arrays to bf16
// aborted the JVM inside libtorch 2.7.1: "terminate called without an active exception".)
import ai.djl.Device; import ai.djl.ndarray.*; import ai.djl.ndarray.types.*; import ai.djl.training.ParameterStore;
import java.io.*; import java.lang.management.ManagementFactory; import java.util.*; import java.util.zip.*;
import net.imglib2.img.array.ArrayImgs;
import org.infnet.infer.*; import org.infnet.io.*; import org.infnet.image.*; import org.infnet.model.*; import org.infnet.nn.*; import org.infnet.phantom.*;
public class InferAB {
  static double cpu() { return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9; }
  interface Job { void run() throws Exception; }
  static double best(int runs, Job j) throws Exception { double b = 1e9; for (int i = 0; i < runs; i++) { double t = cpu(); j.run(); b = Math.min(b, cpu() - t); } return b; }
  static int gz(byte[] body, int level) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream o = new GZIPOutputStream(bo, 1 << 16) { { def.setLevel(level); } }) { o.write(body); }
    return bo.size();
  }
  public static void main(String[] a) throws Exception {
    int n = a.length > 0 ? Integer.parseInt(a[0]) : 8, runs = a.length > 1 ? Integer.parseInt(a[1]) : 3;
    ai.djl.engine.Engine.getInstance(); ai.djl.pytorch.jni.JniUtils.setNumThreads(1); Engines.disableGradientRecording();
    {
    PhantomVolume v = new PhantomGenerator(11).volume(PhantomGenerator.Params.defaults().withLesionCount(12), n, 5.0);
    try (NetworkModel<InfNet> m = ModelLocator.open(ModelKind.INFNET, ModelLocator.DEFAULT, Device.cpu())) {
      m.freeze();
      InfectionSegmenter seg = new InfectionSegmenter(m, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 4));
      InfectionSegmenter.Result[] r = new InfectionSegmenter.Result[1];
      double whole = best(runs, () -> r[0] = seg.segment(ArrayImgs.floats(v.hu(), 512, 512, n), Progress.NONE)) / n;
      // network alone on the same batch size
      try (NDManager sub = m.manager().newSubManager()) {
        NDArray x = sub.randomUniform(0, 1, new Shape(4, 3, 352, 352));
        double net = best(runs, () -> { try (NDManager s2 = sub.newSubManager()) { NDArray y = x.duplicate(); y.attach(s2);
          NDList o = m.net().forward(new ParameterStore(s2, false), new NDList(y), false); o.get(InfNet.MAP2).toFloatArray(); } }) / 4;
        System.out.printf(Locale.ROOT, "2) compact, 512x512 HU slices, batch 4, 1 thread: whole segmenter %.1f ms CPU/slice, network alone %.1f ms -> Java pre/post %.1f ms (%.1f%%)%n",
            whole * 1e3, net * 1e3, (whole - net) * 1e3, 100 * (whole - net) / whole);
      }
      float[] prob = InfectionSegmenter.floats(r[0].probability());
      byte[] body = new byte[prob.length * 4];
      java.nio.ByteBuffer.wrap(body).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(prob);
      byte[] mask = InfectionSegmenter.bytes(r[0].mask());
      for (int level : new int[] {Deflater.DEFAULT_COMPRESSION, Deflater.BEST_SPEED}) {
        int[] size = new int[2];
        double tp = best(runs, () -> size[0] = gz(body, level)) / n, tm = best(runs, () -> size[1] = gz(mask, level)) / n;
        System.out.printf(Locale.ROOT, "1) gzip level %s: prob %.1f ms CPU/slice (%.2f MB/slice), mask %.1f ms/slice (%.3f MB/slice)%n",
            level < 0 ? "default(6)" : level, tp * 1e3, size[0] / 1e6 / n, tm * 1e3, size[1] / 1e6 / n);
      }
    }
    }
  }
}
