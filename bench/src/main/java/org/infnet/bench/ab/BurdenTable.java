package org.infnet.bench.ab;

// Burden of a phantom volume with known truth: true infection masks + our lung segmentation, through NIfTI.
// Run from the repository root after `mvn install` and `mvn -f bench/pom.xml package`: java -cp "bench/target/Inf_Net-bench.jar:bench/target/lib/*" org.infnet.bench.ab.BurdenTable
import java.nio.file.*; import java.util.Locale;
import org.infnet.phantom.*; import org.infnet.analysis.*; import org.infnet.io.nifti.*;
public class BurdenTable { public static void main(String[] a) throws Exception {
  var p = PhantomGenerator.Params.defaults().withSize(192).withLesionCount(12).withConsolidationFraction(0.5);
  PhantomVolume pv = new PhantomGenerator(77).volume(p, 12, 5.0);
  NiftiVolume v = NiftiReader.read(PhantomNifti.write(pv, Files.createTempDirectory("burden").resolve("phantom.nii.gz")));
  byte[] lungs = new LungSegmentation().volume(v.data(), v.width(), v.height(), v.depth(), v.calibration());
  VolumeBurden m = InfectionBurden.compute(pv.infection(), null, lungs, v.width(), v.height(), v.depth(), v.calibration());
  VolumeBurden t = InfectionBurden.compute(pv.infection(), null, pv.lung(), pv.width(), pv.height(), pv.depth(), pv.calibration());
  System.out.println("slice | true burden % | measured burden % | error (points)");
  for (int z = 0; z < m.slices().size(); z++) {
    double tb = t.slices().get(z).burdenPercent(), mb = m.slices().get(z).burdenPercent();
    System.out.printf(Locale.ROOT, "%d | %.2f | %.2f | %+.2f%n", z + 1, tb, mb, mb - tb);
  }
  System.out.printf(Locale.ROOT, "volume | %.3f (%.2f mL of %.2f mL) | %.3f (%.2f mL of %.2f mL) | %+.3f%n",
    t.burdenPercent(), t.infectedInLungVolumeMl(), t.lungVolumeMl(), m.burdenPercent(), m.infectedInLungVolumeMl(), m.lungVolumeMl(), m.burdenPercent() - t.burdenPercent());
}}
