package org.infnet.bench.ab;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

// A/B of builds of the product in ONE JVM, rounds interleaved (order reversed every other round), so that the
// machine's drift (a third within an hour on the shared 2-core VMs) hits every build alike. Each jar gets its own class
// loader over the shared DJL/PyTorch libraries (ProductFirst), in which JarABRunner drives it.
// From the repository root, after building bench/ (BENCH="bench/target/Inf_Net-bench.jar:bench/target/lib/*"):
//   java -cp "$BENCH" org.infnet.bench.ab.JarAB predictor ROUNDS BATCHES JAR_A JAR_B ...
//       ms per 512x512 slice through SlicePredictor (window -> 352 -> network -> back to 512), 2 streams x 1 engine
//       thread, batch 4, BATCHES batches per stream per round
//   java -cp "$BENCH" org.infnet.bench.ab.JarAB volume=FILE.nii.gz ROUNDS SLICES JAR_A JAR_B ...
//       slices per second of `segment FILE` (FileSegmentation: read, window, network, write probability + mask),
//       2 streams, batch 4; SLICES is the file's slice count
public class JarAB {

  public static void main(String[] a) throws Exception {
    ai.djl.engine.Engine.getInstance();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    String mode = a[0];
    int rounds = Integer.parseInt(a[1]);
    int n = Integer.parseInt(a[2]);
    List<String> jars = Arrays.asList(a).subList(3, a.length);
    URL runnerClasses = JarABRunner.class.getProtectionDomain().getCodeSource().getLocation();
    List<IntToDoubleFunction> runners = new ArrayList<>();
    for (String j : jars) {
      ClassLoader cl = new ProductFirst(new URL[] {Path.of(j).toUri().toURL(), runnerClasses}, JarAB.class.getClassLoader());
      runners.add((IntToDoubleFunction) cl.loadClass(JarABRunner.class.getName()).getConstructor(String.class)
          .newInstance(mode));
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

  /**
   * Loads the product's classes ({@code org.infnet.*}, {@link JarABRunner} among them) from its own URLs, the build
   * under test, before asking the parent, whose class path holds the installed core; libraries come from the parent.
   */
  static final class ProductFirst extends URLClassLoader {
    ProductFirst(URL[] urls, ClassLoader parent) {
      super(urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("org.infnet.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
