package org.infnet.bench.ab;

import ai.djl.Device; import ai.djl.ndarray.*; import ai.djl.ndarray.types.*; import ai.djl.training.ParameterStore;
import java.nio.file.*; import java.util.*; import java.util.regex.*;
import org.infnet.model.*; import org.infnet.nn.*;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
// Op-level profile of one model's inference through the product's parameter store (libtorch's profiler): times 3 runs,
// records 3 more, and prints the total time per run of the main operators. The pass is the segmentation's
// (InfNet.segment: lateral map 2 only); -Dprofile.all=true profiles the full forward with all five maps;
// -Dprofile.nchw=true serves the weights through DJL's plain ParameterStore (NCHW, no channels-last copies, no
// folded batch norms: the product's path before those optimisations) instead of the model's frozen weights. From the
// repository root:
//   java [-Dprofile.nchw=true] [-Dprofile.all=true] -cp "bench/target/Inf_Net-bench.jar:bench/target/lib/*" org.infnet.bench.ab.ProfileOps BATCH THREADS TRACE.json [MODEL | arch:ARCH]
// e.g. `... ProfileOps.java 1 2 /tmp/full.json arch:infnet-res2net50` (the README's per-operator figures).
public class ProfileOps {
  static final String[] OPS = {"aten::conv2d", "aten::batch_norm", "aten::matmul", "aten::add", "aten::relu",
      "aten::clone", "aten::cat", "aten::max_pool2d", "aten::avg_pool2d"};
  public static void main(String[] a) throws Exception {
    int b = Integer.parseInt(a[0]);
    ai.djl.engine.Engine.getInstance(); ai.djl.pytorch.jni.JniUtils.setNumThreads(Integer.parseInt(a[1]));
    Engines.disableGradientRecording();
    String spec = a.length > 3 ? a[3] : ModelLocator.DEFAULT;
    try (NetworkModel<InfNet> m = spec.startsWith("arch:") ? ModelKind.INFNET.create(ModelDescriptor.create(spec.substring(5), InfNetConfig.preset(spec.substring(5))), Device.cpu())
        : ModelLocator.open(ModelKind.INFNET, spec, Device.cpu()); NDManager sub = m.manager().newSubManager()) {
      m.freeze();
      NDArray x = sub.randomUniform(0, 1, new Shape(b, 3, 352, 352));
      boolean nchw = Boolean.getBoolean("profile.nchw");
      Runnable r = () -> { try (NDManager s2 = sub.newSubManager()) { NDArray y = x.duplicate(); y.attach(s2);
        ParameterStore ps = nchw ? new ParameterStore(s2, false) : m.parameterStore(s2);
        (Boolean.getBoolean("profile.all") ? m.net().forward(ps, new NDList(y), false).get(InfNet.MAP2) : m.net().segment(ps, y, false).head()).toFloatArray(); } };
      for (int i = 0; i < 3; i++) r.run();
      long t0 = System.nanoTime(); for (int i = 0; i < 3; i++) r.run();
      System.out.printf(Locale.ROOT, "%.1f ms per slice (batch %d, %s threads)%n", (System.nanoTime() - t0) / 1e6 / 3 / b, b, a[1]);
      ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
      for (int i = 0; i < 3; i++) r.run();
      ai.djl.pytorch.jni.JniUtils.stopProfile(a[2]);
    }
    // chrome trace: sum the "dur" (microseconds) of complete events per name
    String trace = Files.readString(Path.of(a[2]));
    Map<String, double[]> sums = new TreeMap<>();
    Matcher e = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"ph\"\\s*:\\s*\"X\"[^}]*?\"dur\"\\s*:\\s*([0-9.]+)").matcher(trace);
    while (e.find()) {
      double[] s = sums.computeIfAbsent(e.group(1), k -> new double[2]);
      s[0] += Double.parseDouble(e.group(2));
      s[1]++;
    }
    for (String op : OPS) {
      double[] s = sums.getOrDefault(op, new double[2]);
      System.out.printf(Locale.ROOT, "  %-20s %8.1f ms per run  %5d calls%n", op, s[0] / 3000, (int) (s[1] / 3));
    }
  }
}
