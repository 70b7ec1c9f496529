import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;
import javax.tools.ToolProvider;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;

// A/B of builds of the product in ONE JVM, rounds interleaved (order reversed every other round), so that the
// machine's drift (a third within an hour on the shared 2-core VMs) hits every build alike. Each jar gets its own class
// loader over the shared DJL/PyTorch libraries; a small runner compiled here at start-up drives it.
// From the repository root (jars copied into target/ so that their manifest finds target/lib):
//   java -cp "target/lib/*" bench/java/JarAB.java predictor ROUNDS BATCHES JAR_A JAR_B ...
//       ms per 512x512 slice through SlicePredictor (window -> 352 -> network -> back to 512), 2 streams x 1 engine
//       thread, batch 4, BATCHES batches per stream per round
//   java -cp "target/lib/*" bench/java/JarAB.java volume=FILE.nii.gz ROUNDS SLICES JAR_A JAR_B ...
//       slices per second of `segment FILE` (FileSegmentation: read, window, network, write probability + mask),
//       2 streams, batch 4; SLICES is the file's slice count
public class JarAB {
  static final String RUNNER = """
      import ai.djl.Device; import java.nio.file.*; import java.util.*; import java.util.concurrent.*;
      import org.infnet.infer.*; import org.infnet.io.*; import org.infnet.model.*;
      public class JarABRunner implements java.util.function.IntToDoubleFunction {
        final NetworkModel<InfNet> m; final SlicePredictor p; final String mode; final List<UnitSlice> batch = new ArrayList<>();
        final ExecutorService ex = Executors.newFixedThreadPool(2);
        public JarABRunner(String mode) throws Exception {
          this.mode = mode; m = ModelLocator.open(ModelKind.INFNET, ModelLocator.DEFAULT, Device.cpu()); m.freeze(); p = new SlicePredictor(m);
          Random r = new Random(1);
          for (int i = 0; i < 4; i++) { float[] px = new float[512 * 512]; for (int j = 0; j < px.length; j++) px[j] = r.nextFloat(); batch.add(new UnitSlice(px, 512, 512)); }
        }
        public double applyAsDouble(int n) {
          try {
            if (mode.startsWith("volume=")) {
              Path in = Path.of(mode.substring(7)); Path out = Files.createTempDirectory("jarab");
              List<Path> files = FileSegmentation.expand(List.of(in));
              FileSegmentation job = new FileSegmentation(new InfectionSegmenter(m, new InfectionSegmenter.Options(0.5, HuWindow.LUNG, 4)), false);
              long t0 = System.nanoTime(); job.segmentAll(files, out, files, 2, (f, w) -> { }); double s = (System.nanoTime() - t0) / 1e9;
              AtomicFiles.deleteTree(out);
              return n / s;
            }
            Callable<Void> job = () -> { Engines.disableGradientRecording(); for (int i = 0; i < n; i++) p.predict(batch, false); return null; };
            long t0 = System.nanoTime(); Future<Void> a = ex.submit(job), b = ex.submit(job); a.get(); b.get();
            return (System.nanoTime() - t0) / 1e6 / (2.0 * n * batch.size());
          } catch (Exception e) { throw new RuntimeException(e); }
        }
      }
      """;

  public static void main(String[] a) throws Exception {
    ai.djl.engine.Engine.getInstance();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    String mode = a[0];
    int rounds = Integer.parseInt(a[1]);
    int n = Integer.parseInt(a[2]);
    List<String> jars = Arrays.asList(a).subList(3, a.length);
    Path src = Files.createTempDirectory("jarab-src");
    Files.writeString(src.resolve("JarABRunner.java"), RUNNER);
    String cp = jars.get(0) + java.io.File.pathSeparator + System.getProperty("java.class.path");
    if (ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-cp", cp, "-d", src.toString(),
        src.resolve("JarABRunner.java").toString()) != 0) {
      throw new IllegalStateException("runner did not compile");
    }
    List<IntToDoubleFunction> runners = new ArrayList<>();
    for (String j : jars) {
      URLClassLoader cl = new URLClassLoader(new URL[] {Path.of(j).toUri().toURL(), src.toUri().toURL()},
          JarAB.class.getClassLoader());
      runners.add((IntToDoubleFunction) cl.loadClass("JarABRunner").getConstructor(String.class).newInstance(mode));
    }
    boolean volume = mode.startsWith("volume=");
    for (IntToDoubleFunction r : runners) {
      r.applyAsDouble(volume ? n : 2); // warm-up
    }
    double[][] t = new double[jars.size()][rounds];
    for (int k = 0; k < rounds; k++) {
      for (int j = 0; j < runners.size(); j++) {
        int i = k % 2 == 0 ? j : runners.size() - 1 - j;
        t[i][k] = runners.get(i).applyAsDouble(n);
      }
    }
    String unit = volume ? "slices/s" : "ms per slice";
    for (int i = 0; i < runners.size(); i++) {
      double[] s = t[i].clone();
      Arrays.sort(s);
      StringBuilder all = new StringBuilder();
      for (double v : t[i]) {
        all.append(String.format(Locale.ROOT, " %.1f", v));
      }
      System.out.printf(Locale.ROOT, "%s: median %.1f %s (rounds:%s)%n", jars.get(i), s[s.length / 2], unit, all);
    }
    for (int i = 1; i < runners.size(); i++) {
      double[] r = new double[rounds];
      for (int k = 0; k < rounds; k++) {
        r[k] = t[i][k] / t[0][k];
      }
      Arrays.sort(r);
      System.out.printf(Locale.ROOT, "%s / %s per round: median %.3f (min %.3f, max %.3f)%n", jars.get(i), jars.get(0),
          r[rounds / 2], r[0], r[rounds - 1]);
    }
    System.exit(0);
  }
}
