package org.infnet.bench.ab;

import java.util.*;
import org.infnet.infer.*; import org.infnet.io.*; import org.infnet.image.*; import org.infnet.engine.NativeHeap; import org.infnet.model.*; import org.infnet.phantom.*;
import org.infnet.nn.InfNet;
// What a native-heap trim costs the inference that follows it: the bundled compact model on 512x512 phantom slices,
// batch B (4), in cycles of K (8) batches with a trim before each cycle; prints the trim's own time and the mean time of
// each batch position in the cycle (position 0 follows the trim and faults the freed pages in again), then the cost
// of one trim per cycle as a fraction of the cycle (why the inference core does not trim). From the repository root,
// after `mvn install` and `mvn -f bench/pom.xml package`:
//   java -cp "bench/target/Inf_Net-bench.jar:bench/target/lib/*" org.infnet.bench.ab.TrimCost [CYCLES] [K] [B]
public class TrimCost {
  public static void main(String[] a) throws Exception {
    int cycles = a.length > 0 ? Integer.parseInt(a[0]) : 30;
    int k = a.length > 1 ? Integer.parseInt(a[1]) : 8;
    int b = a.length > 2 ? Integer.parseInt(a[2]) : 4;
    PhantomVolume v = new PhantomGenerator(5).volume(PhantomGenerator.Params.defaults(), 8, 5.0);
    int plane = v.width() * v.height();
    List<UnitSlice> batch = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      float[] hu = Arrays.copyOfRange(v.hu(), i * plane, (i + 1) * plane);
      batch.add(new UnitSlice(HuWindow.LUNG.apply(hu, 0, plane), v.width(), v.height()));
    }
    try (NetworkModel<InfNet> model = ModelLocator.open(ModelKind.INFNET, ModelLocator.DEFAULT, ai.djl.Device.cpu())) {
      model.freeze();
      SlicePredictor p = new SlicePredictor(model);
      for (int i = 0; i < 3 * k; i++) p.predict(batch, false); // warm-up
      double[] sum = new double[k];
      double trim = 0;
      for (int c = 0; c < cycles; c++) {
        long t0 = System.nanoTime();
        NativeHeap.trim();
        trim += (System.nanoTime() - t0) / 1e6;
        for (int i = 0; i < k; i++) {
          long s = System.nanoTime();
          p.predict(batch, false);
          sum[i] += (System.nanoTime() - s) / 1e6;
        }
      }
      StringBuilder pos = new StringBuilder();
      double steady = 0;
      for (int i = 0; i < k; i++) {
        pos.append(String.format(Locale.ROOT, " %.1f", sum[i] / cycles));
        if (i >= k / 2) steady += sum[i] / cycles / (k - k / 2);
      }
      double extra = trim / cycles + sum[0] / cycles - steady;
      System.out.printf(Locale.ROOT, "trim %.1f ms; ms per batch of %d by position after the trim:%s%n", trim / cycles, b, pos);
      System.out.printf(Locale.ROOT, "one trim costs %.1f ms (trim + first batch - a later batch) = %.1f %% of %d batches%n",
          extra, 100 * extra / (k * steady), k);
    }
  }
}
