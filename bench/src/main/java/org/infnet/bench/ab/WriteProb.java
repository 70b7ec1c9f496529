package org.infnet.bench.ab;

import java.nio.file.*; import java.util.*; import org.infnet.io.nifti.*;
// Times NiftiWriter.writeFloat32 of a 300-slice 512x512 float32 volume (random values, as incompressible as
// probabilities) to a .nii.gz in a temporary folder, six writes in one JVM. From the repository root:
//   java -cp "[OLDER_JAR:]bench/target/Inf_Net-bench.jar:bench/target/lib/*" org.infnet.bench.ab.WriteProb
// (an older product jar first on the class path measures that build).
public class WriteProb {
  public static void main(String[] a) throws Exception {
    int w = 512, h = 512, d = 300;
    float[] f = new float[w * h * d];
    Random r = new Random(1);
    for (int i = 0; i < f.length; i++) f[i] = r.nextFloat();
    NiftiGeometry g = NiftiGeometry.of(w, h, d, new org.infnet.image.Calibration3D(0.7, 0.7, 1.25, "mm"));
    Path dir = Files.createTempDirectory("write-prob");
    Path out = dir.resolve("prob.nii.gz");
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      long t0 = System.nanoTime();
      NiftiWriter.writeFloat32(out, g, f);
      s.append(String.format(Locale.ROOT, " %.2f", (System.nanoTime() - t0) / 1e9));
    }
    System.out.println("s per write of " + Files.size(out) / 1e6 + " MB:" + s);
    Files.delete(out);
    Files.delete(dir);
  }
}
