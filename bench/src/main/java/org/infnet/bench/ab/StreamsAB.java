package org.infnet.bench.ab;

import ai.djl.Device; import ai.djl.ndarray.*; import ai.djl.ndarray.types.*;
import java.util.*; import java.util.concurrent.*;
import org.infnet.model.*; import org.infnet.nn.*;
import org.infnet.model.ModelDescriptor;
import org.infnet.model.ModelKind;
import org.infnet.model.NetworkModel;
import org.infnet.nn.InfNet;
// Network-only ms per 352x352 slice of a model (default: the bundled compact one): one stream with T intra-op threads
// vs S Java threads (streams) sharing the model. Run from the repository root after `mvn install` and `mvn -f bench/pom.xml package`:
//   java -cp "bench/target/Inf_Net-bench.jar:bench/target/lib/*" org.infnet.bench.ab.StreamsAB BATCH INTRA_OP_THREADS STREAMS RUNS [MODEL | arch:ARCH]
public class StreamsAB {
  public static void main(String[] a) throws Exception {
    int b = Integer.parseInt(a[0]), intra = Integer.parseInt(a[1]), streams = Integer.parseInt(a[2]), runs = Integer.parseInt(a[3]);
    ai.djl.engine.Engine.getInstance(); ai.djl.pytorch.jni.JniUtils.setNumThreads(intra); Engines.disableGradientRecording();
    String spec = a.length > 4 ? a[4] : ModelLocator.DEFAULT;
    try (NetworkModel<InfNet> m = spec.startsWith("arch:") ? ModelKind.INFNET.create(ModelDescriptor.create(spec.substring(5), InfNetConfig.preset(spec.substring(5))), Device.cpu())
        : ModelLocator.open(ModelKind.INFNET, spec, Device.cpu())) {
      m.freeze();
      Callable<Void> job = () -> {
        Engines.disableGradientRecording();
        try (NDManager sub = m.manager().newSubManager()) {
          NDArray x = sub.randomUniform(0, 1, new Shape(b, 3, 352, 352));
          for (int i = 0; i < runs; i++) try (NDManager s2 = sub.newSubManager()) { NDArray y = x.duplicate(); y.attach(s2);
            NDList o = m.net().forward(m.parameterStore(s2), new NDList(y), false); o.get(InfNet.MAP2).toFloatArray(); }
        }
        return null;
      };
      ExecutorService ex = Executors.newFixedThreadPool(streams);
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        long c0 = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        List<Future<Void>> fs = new ArrayList<>();
        for (int s = 0; s < streams; s++) fs.add(ex.submit(job));
        for (Future<Void> f : fs) f.get();
        double ms = (System.nanoTime() - t0) / 1e6 / (runs * streams * b);
        double cpu = (((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() - c0) / 1e6 / (runs * streams * b);
        System.out.printf(Locale.ROOT, "  cpu %.1f ms/slice%n", cpu);
        System.out.printf(Locale.ROOT, "batch %d, intra-op %d, streams %d: %.1f ms/slice (%.2f slices/s)%n", b, intra, streams, ms, 1000 / ms);
      }
      ex.shutdown();
    }
  }
}
